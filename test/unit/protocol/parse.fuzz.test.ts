import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ErrorCodes, ProtocolError } from '../../../src/errors.js';
import { parseFrame, type ParsedFrame } from '../../../src/protocol/parse.js';
import { frameArb, garbageArb, jsonishTextArb, mutatedText, toText } from '../../helpers/wire-arbitraries.js';
import { fakeTrack } from '../../helpers/tracks.js';
import { expectedFrameKind, wireShapes } from '../../helpers/wire-shapes.js';

const STATS = {
  op: 'stats',
  players: 1,
  playingPlayers: 1,
  uptime: 1,
  memory: { free: 1, used: 1, allocated: 1, reservable: 1 },
  cpu: { cores: 1, systemLoad: 0.5, lavalinkLoad: 0.1 },
};
const TRACK = fakeTrack('t');
const STATE = { time: 1, position: 2, connected: true, ping: 3 };
const update = (state: object) => toText({ op: 'playerUpdate', guildId: '1', state });
const trackEvent = (type: string, fields: object) => toText({ op: 'event', type, guildId: '1', ...fields });
const withInfo = (fields: object) => ({ track: { ...TRACK, info: { ...TRACK.info, ...fields } } });

const REGRESSIONS: Array<[string, string]> = [
  ['stats without memory.free', toText({ ...STATS, memory: { used: 0, allocated: 0, reservable: 0 } })],
  // Once accepted, `frameStats: {}` made the node's penalty NaN, and node selection compares penalties.
  ['stats with an empty frameStats', toText({ ...STATS, frameStats: {} })],
  ['stats with an infinite systemLoad', toText({ ...STATS, cpu: { ...STATS.cpu, systemLoad: '@@huge@@' } })],
  ['playerUpdate with a string `connected`', update({ ...STATE, connected: 'yes' })],
  ['playerUpdate without ping', update({ time: 1, position: 2, connected: true })],
  ['playerUpdate with an infinite position', update({ ...STATE, position: '@@-huge@@' })],
  ['a track event whose track has no title', trackEvent('TrackStartEvent', withInfo({ title: undefined }))],
  [
    'a track event with a string length',
    trackEvent('TrackEndEvent', { ...withInfo({ length: '1' }), reason: 'x' }),
  ],
  [
    'a TrackExceptionEvent without exception.cause',
    trackEvent('TrackExceptionEvent', { track: TRACK, exception: { message: 'm', severity: 'fault' } }),
  ],
  ['a TrackStuckEvent without thresholdMs', trackEvent('TrackStuckEvent', { track: TRACK })],
  ['a WebSocketClosedEvent without byRemote', trackEvent('WebSocketClosedEvent', { code: 4014, reason: '' })],
];

const OUTPUT = wireShapes('output');

/** Parses without letting anything escape, and checks the result against the oracle. */
function parseChecked(text: string, input: string | Buffer | Buffer[] = text): ParsedFrame {
  let parsed: ParsedFrame;
  try {
    parsed = parseFrame(input);
  } catch (error) {
    throw new Error(`parseFrame threw on ${JSON.stringify(text.slice(0, 300))}`, { cause: error });
  }
  expect(parsed.kind, text).toBe(expectedFrameKind(text));
  if (parsed.kind === 'message') {
    const { op } = parsed.message;
    expect(OUTPUT.messages[op]!(parsed.message, 'message'), text).toBeNull();
  } else if (parsed.kind === 'raw') {
    expect(typeof parsed.payload.op).toBe('string');
  } else {
    expect(parsed.error).toBeInstanceOf(ProtocolError);
    expect(parsed.error.code).toBe(ErrorCodes.MalformedFrame);
    expect(parsed.error.frame.length).toBeLessThanOrEqual(201);
  }
  return parsed;
}

describe('parseFrame fuzzing', () => {
  it('never throws on arbitrary strings, and classifies them', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' }), jsonishTextArb),
        (text) => void parseChecked(text),
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary JSON values, objects with an op included', () => {
    const withOp = fc
      .tuple(fc.constantFrom('ready', 'playerUpdate', 'stats', 'event', 'plugin'), fc.object({ maxDepth: 2 }))
      .map(([op, rest]) => ({ ...rest, op }));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), withOp, garbageArb), (value) => void parseChecked(toText(value))),
      { numRuns: 1000 },
    );
  });

  it('parses valid frames of every op and event type to the same data, from text and buffers', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), (frame, cut) => {
        const text = JSON.stringify(frame);
        const expected: unknown = JSON.parse(text);
        for (const input of [text, Buffer.from(text), splitBuffer(text, cut)]) {
          const parsed = parseChecked(text, input);
          expect(parsed.kind).toBe('message');
          if (parsed.kind === 'message') expect(parsed.message).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reports mutated frames as typed errors, passes unknown ops through, and never throws', () => {
    fc.assert(
      fc.property(mutatedText(frameArb), (text) => void parseChecked(text)),
      {
        numRuns: 3000,
        examples: REGRESSIONS.map(([, text]) => [text]),
      },
    );
  });

  // Frames the fuzzer found accepted as typed messages before parse.ts checked every declared field.
  it.each(REGRESSIONS)('rejects %s', (_name, text) => {
    expect(parseChecked(text).kind).toBe('error');
  });

  it('normalises what Lavalink may leave out or round: nullable strings, plugin objects, stream length', () => {
    const { uri: _uri, artworkUrl: _art, isrc: _isrc, ...info } = TRACK.info;
    const text = toText({
      op: 'event',
      type: 'TrackStartEvent',
      guildId: '1',
      track: { encoded: 'x', info: { ...info, length: '@@long-max@@' }, pluginInfo: [1], userData: null },
    });
    const parsed = parseChecked(text);
    if (parsed.kind !== 'message' || parsed.message.op !== 'event' || !('track' in parsed.message)) {
      throw new Error(`expected a track event, got ${parsed.kind}`);
    }
    const { track } = parsed.message;
    expect(track.info).toMatchObject({ uri: null, artworkUrl: null, isrc: null });
    expect(track.info.length).toBe(Number.MAX_SAFE_INTEGER);
    expect(track).toMatchObject({ pluginInfo: {}, userData: {} });
  });
});

/** The UTF-8 bytes of `text` in two fragments, as `ws` hands over a fragmented message. */
function splitBuffer(text: string, cut: number): Buffer[] {
  const bytes = Buffer.from(text);
  const at = cut % (bytes.length + 1);
  return [bytes.subarray(0, at), bytes.subarray(at)];
}
