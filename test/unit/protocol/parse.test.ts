import { describe, expect, it } from 'vitest';
import { parseFrame } from '../../../src/protocol/parse.js';
import { ProtocolError } from '../../../src/errors.js';
import { fakeTrack } from '../../helpers/tracks.js';

const track = fakeTrack('t');

describe('parseFrame', () => {
  it('narrows every known op', () => {
    const frames = [
      { op: 'ready', resumed: false, sessionId: 'abc' },
      { op: 'playerUpdate', guildId: '1', state: { time: 1, position: 2, connected: true, ping: 3 } },
      {
        op: 'stats',
        players: 1,
        playingPlayers: 1,
        uptime: 5,
        memory: { free: 1, used: 1, allocated: 1, reservable: 1 },
        cpu: { cores: 2, systemLoad: 0.1, lavalinkLoad: 0.1 },
        frameStats: null,
      },
      { op: 'event', type: 'TrackStartEvent', guildId: '1', track },
      { op: 'event', type: 'TrackEndEvent', guildId: '1', track, reason: 'finished' },
      {
        op: 'event',
        type: 'TrackExceptionEvent',
        guildId: '1',
        track,
        exception: { message: null, severity: 'common', cause: 'x' },
      },
      { op: 'event', type: 'TrackStuckEvent', guildId: '1', track, thresholdMs: 10 },
      { op: 'event', type: 'WebSocketClosedEvent', guildId: '1', code: 4014, reason: '', byRemote: true },
    ];
    for (const frame of frames) {
      const parsed = parseFrame(JSON.stringify(frame));
      expect(parsed.kind, JSON.stringify(frame)).toBe('message');
      if (parsed.kind === 'message') expect(parsed.message).toEqual(frame);
    }
  });

  it('accepts Buffers and fragmented buffers', () => {
    const text = JSON.stringify({ op: 'ready', resumed: true, sessionId: 'x' });
    expect(parseFrame(Buffer.from(text)).kind).toBe('message');
    expect(parseFrame([Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]).kind).toBe('message');
    const bytes = new TextEncoder().encode(text);
    expect(parseFrame(bytes.buffer).kind).toBe('message');
  });

  it('passes unknown ops and event types through as raw', () => {
    const unknownOp = parseFrame('{"op":"lyrics","x":1}');
    expect(unknownOp).toEqual({ kind: 'raw', payload: { op: 'lyrics', x: 1 } });
    const unknownEvent = parseFrame('{"op":"event","type":"SegmentSkipped","guildId":"1","segment":{}}');
    expect(unknownEvent.kind).toBe('raw');
  });

  it('fills pluginInfo and userData when a track lacks them', () => {
    const parsed = parseFrame(
      JSON.stringify({
        op: 'event',
        type: 'TrackStartEvent',
        guildId: '1',
        track: { encoded: 'x', info: track.info },
      }),
    );
    expect(parsed.kind).toBe('message');
    if (
      parsed.kind === 'message' &&
      parsed.message.op === 'event' &&
      parsed.message.type === 'TrackStartEvent'
    ) {
      expect(parsed.message.track.pluginInfo).toEqual({});
      expect(parsed.message.track.userData).toEqual({});
    }
  });

  const malformed: Array<[string, string]> = [
    ['not JSON', '{"op":'],
    ['empty', ''],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"ready"'],
    ['null', 'null'],
    ['no op', '{"type":"x"}'],
    ['numeric op', '{"op":5}'],
    ['ready without session', '{"op":"ready","resumed":false}'],
    ['ready with empty session', '{"op":"ready","resumed":false,"sessionId":""}'],
    ['playerUpdate without state', '{"op":"playerUpdate","guildId":"1"}'],
    [
      'playerUpdate with string position',
      '{"op":"playerUpdate","guildId":"1","state":{"time":1,"position":"2"}}',
    ],
    ['stats without cpu', '{"op":"stats","players":1,"playingPlayers":0,"memory":{}}'],
    ['event without guild', '{"op":"event","type":"TrackStartEvent"}'],
    ['track event without track', '{"op":"event","type":"TrackStartEvent","guildId":"1"}'],
    [
      'track event with null track',
      '{"op":"event","type":"TrackEndEvent","guildId":"1","track":null,"reason":"x"}',
    ],
    [
      'end event without reason',
      `{"op":"event","type":"TrackEndEvent","guildId":"1","track":${JSON.stringify(track)}}`,
    ],
    ['closed event without code', '{"op":"event","type":"WebSocketClosedEvent","guildId":"1"}'],
  ];
  it.each(malformed)('reports %s as a typed error without throwing', (_name, text) => {
    const parsed = parseFrame(text);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') {
      expect(parsed.error).toBeInstanceOf(ProtocolError);
      expect(parsed.error.code).toBe('ERR_MALFORMED_FRAME');
      expect(parsed.error.message).toMatch(/connection stays up/);
    }
  });

  it('keeps only an excerpt of huge frames in the error', () => {
    const parsed = parseFrame(`{"op":${'1'.repeat(10_000)}`);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.error.frame.length).toBeLessThanOrEqual(201);
  });
});
