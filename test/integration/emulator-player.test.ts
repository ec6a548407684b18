/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   these tests read Lavalink's JSON exactly as the server sent it, untyped on purpose. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { RawClient, VOICE, encodedOf, fakeClock, rest } from './emulator-harness.js';
import type { RestResult } from './emulator-harness.js';

let emulator: LavalinkEmulator;
let client: RawClient & { sessionId: string };
let clock: ReturnType<typeof fakeClock>;
let track: string;
let other: string;

beforeEach(async () => {
  clock = fakeClock();
  emulator = new LavalinkEmulator({ now: clock.now });
  await emulator.start();
  client = await RawClient.connect(emulator);
  await client.next((frame) => frame.op === 'stats');
  track = await encodedOf(emulator, 'emulator:track?title=First&length=10000');
  other = await encodedOf(emulator, 'emulator:track?title=Second&length=20000');
});

afterEach(async () => {
  client.close();
  await emulator.stop();
});

function patch(body: unknown, guildId = '1', query = ''): Promise<RestResult> {
  return rest(emulator, 'PATCH', `/v4/sessions/${client.sessionId}/players/${guildId}${query}`, body);
}

describe('LavalinkEmulator playback events', () => {
  it('plays: TrackStartEvent then an immediate playerUpdate, and answers the full player', async () => {
    const result = await patch({ track: { encoded: track, userData: { requester: 'a' } }, voice: VOICE });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      guildId: '1',
      track: { encoded: track, info: { title: 'First', length: 10000 }, userData: { requester: 'a' } },
      volume: 100,
      paused: false,
      state: { time: clock.now(), position: 0, connected: true, ping: 5 },
      voice: VOICE,
      filters: {},
    });
    const start = await client.nextEvent('TrackStartEvent');
    expect(start).toMatchObject({ guildId: '1', track: { encoded: track, userData: { requester: 'a' } } });
    expect((await client.next()).op).toBe('playerUpdate');
  });

  it('replaces: TrackEndEvent(replaced) for the old track, then TrackStartEvent', async () => {
    await patch({ track: { encoded: track } });
    client.skipAll();
    await patch({ track: { encoded: other } });
    expect(client.pending()).toEqual(['TrackEndEvent', 'TrackStartEvent', 'playerUpdate']);
    const end = await client.next();
    expect(end).toMatchObject({ reason: 'replaced', track: { info: { title: 'First' } } });
    expect((await client.next()).track.info.title).toBe('Second');
  });

  it('stops with encoded null (TrackEndEvent stopped) and answers 200 when already idle', async () => {
    await patch({ track: { encoded: track } });
    client.skipAll();
    const stopped = await patch({ track: { encoded: null } });
    expect(stopped.json.track).toBeNull();
    expect((await client.nextEvent('TrackEndEvent')).reason).toBe('stopped');
    client.skipAll();
    expect((await patch({ encodedTrack: null })).status).toBe(200);
    expect(client.pending()).toEqual([]);
  });

  it('DELETE while playing sends TrackEndEvent(stopped) and removes the player', async () => {
    await patch({ track: { encoded: track } });
    const deleted = await rest(emulator, 'DELETE', `/v4/sessions/${client.sessionId}/players/1`);
    expect(deleted.status).toBe(204);
    expect((await client.nextEvent('TrackEndEvent')).reason).toBe('stopped');
    expect(emulator.player(client.sessionId, '1')).toBeUndefined();
  });

  it('advances the position with the clock and finishes at the end', async () => {
    await patch({ track: { encoded: track, userData: { n: 1 } } });
    clock.advance(4000);
    expect(emulator.player(client.sessionId, '1')!.state.position).toBe(4000);
    await patch({ paused: true });
    clock.advance(10_000);
    emulator.tick();
    expect(emulator.player(client.sessionId, '1')!.state.position).toBe(4000);
    await patch({ paused: false });
    clock.advance(6000);
    emulator.tick();
    const end = await client.nextEvent('TrackEndEvent');
    expect(end).toMatchObject({
      reason: 'finished',
      track: { info: { position: 10000 }, userData: { n: 1 } },
    });
    expect(emulator.player(client.sessionId, '1')!.track).toBeNull();
  });

  it('finishes at endTime and starts at the given position', async () => {
    await patch({ track: { encoded: other }, position: 1000, endTime: 3000 });
    clock.advance(1999);
    emulator.tick();
    expect(client.frames.some((frame) => frame.type === 'TrackEndEvent')).toBe(false);
    clock.advance(1);
    emulator.tick();
    expect((await client.nextEvent('TrackEndEvent')).reason).toBe('finished');
  });

  it('seeks with a playerUpdate, applies timescale to the position, keeps userData-only updates', async () => {
    await patch({ track: { encoded: other } });
    client.skipAll();
    const seek = await patch({ position: 5000 });
    expect(seek.json.state.position).toBe(5000);
    expect((await client.next()).op).toBe('playerUpdate');
    await patch({ filters: { timescale: { speed: 2 } } });
    clock.advance(1000);
    expect(emulator.player(client.sessionId, '1')!.state.position).toBe(7000);
    const data = await patch({ track: { userData: { swapped: true } } });
    expect(data.json.track.userData).toEqual({ swapped: true });
    expect(data.json.filters).toEqual({ timescale: { speed: 2, pitch: 1, rate: 1 } });
  });
});

describe('LavalinkEmulator player updates', () => {
  it('noReplace ignores a new track while one plays, yet applies volume', async () => {
    await patch({ track: { encoded: track } });
    client.skipAll();
    const ignored = await patch(
      { track: { encoded: other }, volume: 30, paused: true },
      '1',
      '?noReplace=true',
    );
    expect(ignored.json).toMatchObject({ volume: 30, paused: false, track: { info: { title: 'First' } } });
    expect(client.pending()).toEqual([]);
    const played = await patch({ track: { encoded: other } }, '2', '?noReplace=true');
    expect(played.json.track.info.title).toBe('Second');
  });

  it('starting a track unpauses unless paused is given', async () => {
    await patch({ paused: true });
    expect((await patch({ track: { encoded: track } })).json.paused).toBe(false);
    expect((await patch({ track: { encoded: other }, paused: true })).json.paused).toBe(true);
  });

  it('clamps the volume and replaces all filters, filling defaults', async () => {
    expect((await patch({ volume: 5000 })).json.volume).toBe(1000);
    expect((await patch({ volume: -3 })).json.volume).toBe(0);
    await patch({ filters: { karaoke: { level: 0.5 }, volume: 0.8 } });
    const replaced = await patch({
      filters: { equalizer: [{ band: 3, gain: 0.2 }, { band: 4 }], lowPass: null },
    });
    expect(replaced.json.filters).toEqual({
      equalizer: [
        { band: 3, gain: 0.2 },
        { band: 4, gain: 1 },
      ],
    });
    expect((await patch({ filters: { equalizer: [{ band: 15, gain: 0 }] } })).status).toBe(500);
    expect((await patch({ filters: { volume: null } })).status).toBe(400);
  });

  it('validates voice: blank fields or null channelId → 400 with the message, missing channelId → 400', async () => {
    const message = 'token, endpoint, sessionId and channelId must be provided in voice state';
    expect((await patch({ voice: { ...VOICE, token: '' } })).json).toMatchObject({ status: 400, message });
    expect((await patch({ voice: { ...VOICE, channelId: null } })).json).toMatchObject({
      status: 400,
      message,
    });
    const { channelId: _omitted, ...withoutChannel } = VOICE;
    expect((await patch({ voice: withoutChannel })).json).toMatchObject({
      status: 400,
      error: 'Bad Request',
    });
    expect(emulator.player(client.sessionId, '1')).toBeUndefined();
    const ok = await patch({ voice: VOICE });
    expect(ok.json.state).toMatchObject({ connected: true, ping: 5 });
  });

  it('rejects conflicting or invalid track fields', async () => {
    const both = await patch({ track: { encoded: track }, encodedTrack: track });
    expect(both.json).toMatchObject({
      status: 400,
      message: 'Cannot specify both track and encodedTrack/identifier',
    });
    expect((await patch({ track: { encoded: track, identifier: 'x' } })).status).toBe(400);
    expect((await patch({ track: { encoded: track }, endTime: 0 })).json.message).toBe(
      'End time must be greater than 0',
    );
    expect((await patch({ track: { encoded: 'garbage' } })).status).toBe(500);
    expect((await patch('{bad json')).status).toBe(400);
  });

  it('resolves identifiers through the catalogue', async () => {
    const played = await patch({ track: { identifier: 'emulator:track?title=ById', userData: { id: 1 } } });
    expect(played.json.track).toMatchObject({ info: { title: 'ById' }, userData: { id: 1 } });
    expect((await patch({ identifier: 'https://youtu.be/dQw4w9WgXcQ' })).json.track.info.identifier).toBe(
      'dQw4w9WgXcQ',
    );
    const none = await patch({ track: { identifier: 'emulator:empty' } });
    expect(none.json).toMatchObject({ status: 400, message: 'No matches found for identifier' });
    const search = await patch({ track: { identifier: 'ytsearch:abc' } });
    expect(search.json.message).toBe('Cannot play a playlist or search result');
  });

  it('sends periodic playerUpdates for players with a track', async () => {
    client.close();
    await emulator.stop();
    emulator = new LavalinkEmulator({ playerUpdateIntervalMs: 10 });
    await emulator.start();
    client = await RawClient.connect(emulator);
    await patch({ track: { encoded: await encodedOf(emulator, 'emulator:track') } });
    await patch({ volume: 10 }, '2');
    client.skipAll();
    const update = await client.next((frame) => frame.op === 'playerUpdate');
    expect(update.guildId).toBe('1');
    expect(client.frames.filter((frame) => frame.op === 'playerUpdate' && frame.guildId === '2')).toEqual([]);
  });
});

describe('LavalinkEmulator scripted player events', () => {
  it('finishTrack, trackException, trackStuck and voiceClose emit Lavalink sequences', async () => {
    await patch({ track: { encoded: track }, voice: VOICE });
    client.skipAll();
    expect(emulator.trackStuck(client.sessionId, '1', 5000)).toBe(true);
    expect(await client.next()).toMatchObject({ type: 'TrackStuckEvent', thresholdMs: 5000 });
    expect((await client.next()).op).toBe('playerUpdate');
    expect(emulator.trackException(client.sessionId, '1', { message: 'boom', severity: 'common' })).toBe(
      true,
    );
    expect(await client.next()).toMatchObject({
      type: 'TrackExceptionEvent',
      exception: { message: 'boom' },
    });
    expect(await client.next()).toMatchObject({ type: 'TrackEndEvent', reason: 'finished' });
    await patch({ track: { encoded: track } });
    expect(emulator.finishTrack(client.sessionId, '1', 'cleanup')).toBe(true);
    expect((await client.nextEvent('TrackEndEvent')).reason).toBe('cleanup');
    emulator.voiceClose(client.sessionId, '1', 4014, 'Disconnected', false);
    const closed = await client.nextEvent('WebSocketClosedEvent');
    expect(closed).toEqual({
      op: 'event',
      type: 'WebSocketClosedEvent',
      guildId: '1',
      code: 4014,
      reason: 'Disconnected',
      byRemote: false,
    });
    expect((await client.next()).state).toMatchObject({ connected: false, ping: -1 });
    expect(() => emulator.finishTrack(client.sessionId, '999')).toThrow(/no player/);
  });
});

describe('LavalinkEmulator at scale', () => {
  it('handles 1,000 players on one session, 50 requests in flight', async () => {
    const started = performance.now();
    const guilds = Array.from({ length: 1000 }, (_, i) => String(100_000 + i));
    for (let i = 0; i < guilds.length; i += 50) {
      const batch = guilds
        .slice(i, i + 50)
        .map((guild) => patch({ track: { encoded: track }, voice: VOICE }, guild));
      const results = await Promise.all(batch);
      expect(results.every((result) => result.status === 200)).toBe(true);
    }
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    const stats = await rest(emulator, 'GET', '/v4/stats');
    expect(stats.json).toMatchObject({ players: 1000, playingPlayers: 1000 });
    expect((await rest(emulator, 'GET', `/v4/sessions/${client.sessionId}/players`)).json).toHaveLength(1000);
    clock.advance(10_000);
    emulator.tick();
    await client.next((frame) => frame.type === 'TrackEndEvent' && frame.guildId === guilds.at(-1));
    expect(client.frames.filter((frame) => frame.type === 'TrackEndEvent')).toHaveLength(1000);
  });
});
