/**
 * Player controls against the emulator: what to play, stop, pause/resume, seek, volume, filters,
 * end time, userData, position interpolation, destroy and the snapshot. Time is a FakeClock shared by
 * the pool and the emulator, so positions compare exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { FilterPresets } from '../../src/player/filter-presets.js';
import { FilterBuilder } from '../../src/player/filters.js';
import type { Player } from '../../src/player/player.js';
import { PLAYER_SNAPSHOT_VERSION } from '../../src/player/player-snapshot.js';
import { Pool } from '../../src/pool.js';
import type { Track } from '../../src/protocol/track.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { channelId, guildId, TEST_USER_ID } from '../helpers/cluster.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { FakeClock } from '../helpers/fake-clock.js';

interface Setup {
  emulator: LavalinkEmulator;
  pool: Pool;
  connector: TestConnector;
  clock: FakeClock;
  sessionId: string;
}

let setup: Setup | undefined;
afterEach(async () => {
  if (!setup) return;
  await setup.pool.close();
  setup.connector.destroy();
  await setup.emulator.stop();
  setup = undefined;
});

/** One emulator and a pool on the same fake clock. */
async function start(): Promise<Setup> {
  const clock = new FakeClock();
  const emulator = new LavalinkEmulator({ password: 'pw', now: () => clock.now() });
  await emulator.start();
  const connector = new TestConnector({ userId: TEST_USER_ID });
  const pool = new Pool({
    // The fake clock jumps tens of seconds at once while sockets are real: a heartbeat due twice in one
    // jump would see no pong and drop the connection, which these tests are not about.
    nodes: [
      {
        identifier: 'node1',
        uri: emulator.url,
        password: emulator.password,
        requestTimeoutMs: 1000,
        heartbeatMs: 600_000,
      },
    ],
    connector,
    store: false,
    clock,
  });
  pool.on('error', () => undefined);
  await pool.connect();
  setup = { emulator, pool, connector, clock, sessionId: pool.getNode('node1')!.sessionId! };
  return setup;
}

async function load(pool: Pool, identifier: string): Promise<Track> {
  const result = await pool.load(identifier);
  if (result.loadType === 'track') return result.data;
  if (result.loadType === 'search' && result.data[0]) return result.data[0];
  throw new Error(`nothing for ${identifier}`);
}

async function joined(s: Setup, i: number): Promise<Player> {
  return s.pool.join({ guildId: guildId(i), channelId: channelId(i) });
}

function server(s: Setup, player: Player) {
  const state = s.emulator.player(s.sessionId, player.guildId);
  if (!state) throw new Error(`no player for ${player.guildId} on the emulator`);
  return state;
}

describe('Player.play', () => {
  it('plays a loaded Track', async () => {
    const s = await start();
    const player = await joined(s, 1);
    const track = await load(s.pool, 'emulator:track?title=Loaded&length=200000');
    const started = nextEvent(s.pool, 'trackStart');
    await player.play(track);
    expect(await started).toEqual({ player, track });
    expect(player.track).toBe(track);
    expect(player.isPlaying).toBe(true);
    expect(player.queue.current).toBe(track);
    expect(server(s, player).track?.info.title).toBe('Loaded');
  });

  it('plays { encoded } (decoded locally, no load request)', async () => {
    const s = await start();
    const player = await joined(s, 2);
    const track = await load(s.pool, 'emulator:track?title=Encoded&length=200000');
    const loads = s.emulator.requestCount('loadTracks');
    await player.play({ encoded: track.encoded, userData: { from: 'blob' } });
    expect(s.emulator.requestCount('loadTracks')).toBe(loads);
    expect(player.track?.info).toEqual(track.info);
    expect(player.track?.userData).toEqual({ from: 'blob' });
    expect(server(s, player).track).toMatchObject({ info: { title: 'Encoded' }, userData: { from: 'blob' } });
  });

  it('rejects a malformed { encoded } before sending anything', async () => {
    const s = await start();
    const player = await joined(s, 3);
    const requests = s.emulator.requestCount('player');
    await expect(player.play({ encoded: 'not a track' })).rejects.toMatchObject({
      code: ErrorCodes.TrackDecode,
    });
    expect(s.emulator.requestCount('player')).toBe(requests);
  });

  it('plays a query string: a URL, a prefixed search, or words searched on the default source', async () => {
    const s = await start();
    const player = await joined(s, 4);
    await player.play('emulator:track?title=ByIdentifier');
    expect(server(s, player).track?.info.title).toBe('ByIdentifier');
    await player.play('ytsearch:first hit');
    expect(server(s, player).track?.info.title).toBe('first hit (result 1)');
    await player.play('plain words');
    expect(server(s, player).track?.info.title).toBe('plain words (result 1)');
    expect(player.track?.info.title).toBe('plain words (result 1)');
  });

  it('a query that finds nothing rejects with ERR_LOAD_FAILED and changes nothing', async () => {
    const s = await start();
    const player = await joined(s, 5);
    const requests = s.emulator.requestCount('player');
    await expect(player.play('ytsearch:__empty__')).rejects.toMatchObject({ code: ErrorCodes.LoadFailed });
    await expect(player.play('emulator:error?message=gone')).rejects.toThrow(/gone/);
    expect(s.emulator.requestCount('player')).toBe(requests);
    expect(player.track).toBeNull();
  });

  it('play options: start position, paused, volume and userData round trip through events', async () => {
    const s = await start();
    const player = await joined(s, 6);
    const track = await load(s.pool, 'emulator:track?length=200000');
    const started = nextEvent(s.pool, 'trackStart');
    await player.play(track, { position: 5000, paused: true, volume: 70, userData: { requester: '42' } });
    const startEvent = await started;
    expect(startEvent.track.userData).toEqual({ requester: '42' });
    expect(startEvent.track.info.identifier).toBe(track.info.identifier);
    expect(server(s, player)).toMatchObject({
      paused: true,
      volume: 70,
      track: { userData: { requester: '42' } },
    });
    expect(server(s, player).state.position).toBe(5000);
    expect(player).toMatchObject({ paused: true, volume: 70, position: 5000 });

    const ended = nextEvent(s.pool, 'trackEnd');
    s.emulator.finishTrack(s.sessionId, player.guildId);
    expect((await ended).track.userData).toEqual({ requester: '42' });
  });

  it('noReplace leaves a playing track alone', async () => {
    const s = await start();
    const player = await joined(s, 7);
    const first = await load(s.pool, 'emulator:track?title=First');
    const second = await load(s.pool, 'emulator:track?title=Second');
    await player.play(first);
    await player.play(second, { noReplace: true });
    expect(server(s, player).track?.info.title).toBe('First');
    expect(player.track).toBe(first);
    // On an idle player it plays, and the player knows it.
    await player.stop();
    await player.play(second, { noReplace: true, endTime: 90_000 });
    expect(server(s, player).track?.info.title).toBe('Second');
    expect(player.track).toBe(second);
    expect(player.endTime).toBe(90_000);
    expect(player.queue.current).toBe(second);
  });
});

describe('Player controls', () => {
  it('stop clears the track on the server and emits trackEnd(stopped)', async () => {
    const s = await start();
    const player = await joined(s, 10);
    await player.play(await load(s.pool, 'emulator:track?length=200000'));
    const ended = nextEvent(s.pool, 'trackEnd');
    await player.stop();
    expect(await ended).toMatchObject({ reason: 'stopped', mayStartNext: false });
    expect(server(s, player).track).toBeNull();
    expect(player.track).toBeNull();
    expect(player.position).toBe(0);
  });

  it('pause and resume', async () => {
    const s = await start();
    const player = await joined(s, 11);
    await player.play(await load(s.pool, 'emulator:track?length=200000'));
    await player.pause();
    expect(player.paused).toBe(true);
    expect(player.isPlaying).toBe(false);
    expect(server(s, player).paused).toBe(true);
    await player.resume();
    expect(player.paused).toBe(false);
    expect(server(s, player).paused).toBe(false);
  });

  it('seek', async () => {
    const s = await start();
    const player = await joined(s, 12);
    await player.play(await load(s.pool, 'emulator:track?length=200000'));
    await player.seek(60_000);
    expect(player.position).toBe(60_000);
    expect(server(s, player).state.position).toBe(60_000);
    await expect(player.seek(-1)).rejects.toThrow(/position/);
  });

  it('volume', async () => {
    const s = await start();
    const player = await joined(s, 13);
    await player.setVolume(250);
    expect(player.volume).toBe(250);
    expect(server(s, player).volume).toBe(250);
    await expect(player.setVolume(1001)).rejects.toThrow(/volume/);
    await expect(player.setVolume(1.5)).rejects.toThrow(/volume/);
    expect(server(s, player).volume).toBe(250);
  });

  it('filters from the builder: sent, echoed by the server with defaults filled in', async () => {
    const s = await start();
    const player = await joined(s, 14);
    player.filters.timescale({ speed: 1.2 }).setBand(0, 0.3);
    await player.setFilters();
    expect(server(s, player).filters).toEqual({
      timescale: { speed: 1.2, pitch: 1, rate: 1 },
      equalizer: [{ band: 0, gain: 0.3 }],
    });
    expect(player.toJSON().filters).toEqual({
      timescale: { speed: 1.2 },
      equalizer: [{ band: 0, gain: 0.3 }],
    });
    // A builder of one's own.
    await player.setFilters(new FilterBuilder().rotation({ rotationHz: 0.5 }));
    expect(server(s, player).filters).toEqual({ rotation: { rotationHz: 0.5 } });
    expect(player.filters.toJSON()).toEqual({ rotation: { rotationHz: 0.5 } });
  });

  it('filters from presets replace everything, and {} clears them', async () => {
    const s = await start();
    const player = await joined(s, 15);
    await player.setFilters(FilterPresets.bassBoost('high'));
    await player.setFilters(FilterPresets.nightcore());
    expect(server(s, player).filters).toEqual({ timescale: { speed: 1, pitch: 1, rate: 1.25 } });
    expect(player.filters.toJSON()).toEqual(FilterPresets.nightcore());
    await player.setFilters(FilterPresets.karaoke());
    expect(server(s, player).filters).toEqual({
      karaoke: { level: 1, monoLevel: 1, filterBand: 220, filterWidth: 100 },
    });
    await player.setFilters({});
    expect(server(s, player).filters).toEqual({});
    expect(player.filters.isEmpty).toBe(true);
    await expect(player.setFilters({ timescale: { speed: 0 } })).rejects.toThrow(/speed/);
  });

  it('endTime: the track stops there with reason finished', async () => {
    const s = await start();
    const player = await joined(s, 16);
    await player.play(await load(s.pool, 'emulator:track?length=200000'), { endTime: 30_000 });
    expect(player.endTime).toBe(30_000);
    const ended = nextEvent(s.pool, 'trackEnd');
    s.clock.advance(30_000);
    s.emulator.tick();
    expect(await ended).toMatchObject({ reason: 'finished', mayStartNext: true });
  });

  it('setEndTime on the playing track', async () => {
    const s = await start();
    const player = await joined(s, 17);
    const track = await load(s.pool, 'emulator:track?length=200000');
    await player.play(track);
    await player.setEndTime(10_000);
    expect(player.endTime).toBe(10_000);
    const ends = recordEvents(s.pool, ['trackEnd']);
    s.clock.advance(9_999);
    s.emulator.tick();
    s.emulator.sendPlayerUpdates(s.sessionId);
    await nextEvent(s.pool, 'playerUpdate');
    expect(ends.log).toEqual([]);
    const ended = nextEvent(s.pool, 'trackEnd');
    s.clock.advance(1);
    s.emulator.tick();
    // The event carries the player's own Track object, so the bot recognises it.
    expect(await ended).toEqual({ player, track, reason: 'finished', mayStartNext: true });
    await expect(player.setEndTime(0)).rejects.toThrow(/endTime/);
  });
});

describe('Player.position', () => {
  it('advances while playing, freezes while paused, and scales with the timescale speed', async () => {
    const s = await start();
    const player = await joined(s, 20);
    expect(player.position).toBe(0);
    await player.play(await load(s.pool, 'emulator:track?length=600000'));
    const check = (expected: number): void => {
      expect(player.position).toBe(expected);
      expect(server(s, player).state.position).toBe(expected);
    };
    check(0);
    s.clock.advance(1000);
    check(1000);
    await player.pause();
    s.clock.advance(5000);
    check(1000);
    await player.resume();
    s.clock.advance(1000);
    check(2000);
    await player.setFilters({ timescale: { speed: 1.5 } });
    s.clock.advance(1000);
    check(3500);
    await player.setFilters(FilterPresets.vaporwave());
    s.clock.advance(1000);
    check(4300);
  });

  it('re-anchors on playerUpdate and stops at the end of the track', async () => {
    const s = await start();
    const player = await joined(s, 21);
    await player.play(await load(s.pool, 'emulator:track?length=10000'));
    s.clock.advance(2500);
    const update = nextEvent(s.pool, 'playerUpdate');
    s.emulator.sendPlayerUpdates(s.sessionId);
    const { state } = await update;
    expect(state).toMatchObject({ position: 2500, connected: true });
    expect(player.position).toBe(2500);
    expect(player.connected).toBe(true);
    expect(player.ping).toBeGreaterThanOrEqual(0);
    s.clock.advance(20_000);
    expect(player.position).toBe(10_000);
  });

  it('seeks to an interpolated position under a timescale (fractional ms are rounded)', async () => {
    const s = await start();
    const player = await joined(s, 22);
    await player.play(await load(s.pool, 'emulator:track?length=600000'));
    await player.setFilters(FilterPresets.nightcore());
    s.clock.advance(1001);
    expect(player.position).toBe(1251.25);
    await player.seek(player.position + 10_000);
    expect(server(s, player).state.position).toBe(11_251);
    expect(player.position).toBe(11_251);
    await player.play(await load(s.pool, 'emulator:track?length=600000&title=b'), {
      position: 2000.4,
      endTime: 9000.6,
    });
    expect(server(s, player).state.position).toBe(2000);
  });
});

describe('Player.destroy and toJSON', () => {
  it('destroy removes the player on the server and leaves the channel', async () => {
    const s = await start();
    const player = await joined(s, 30);
    await player.play(await load(s.pool, 'emulator:track?length=200000'));
    const destroyed = nextEvent(s.pool, 'playerDestroyed');
    await player.destroy();
    expect(await destroyed).toEqual({ player, reason: 'destroyed' });
    expect(s.emulator.player(s.sessionId, player.guildId)).toBeUndefined();
    expect(s.connector.sent.at(-1)).toEqual({
      guild_id: player.guildId,
      channel_id: null,
      self_deaf: true,
      self_mute: false,
    });
    expect(s.pool.getPlayer(player.guildId)).toBeUndefined();
    expect(player.isDestroyed).toBe(true);
    await expect(player.play('emulator:track')).rejects.toMatchObject({ code: ErrorCodes.PlayerDestroyed });
    await expect(player.pause()).rejects.toMatchObject({ code: ErrorCodes.PlayerDestroyed });
    // A second destroy is a no-op.
    await player.destroy();
    expect(s.connector.sent.filter((p) => p.channel_id === null)).toHaveLength(1);
  });

  it('skip and previous on a destroyed player do not re-create it on the server', async () => {
    const s = await start();
    const player = await joined(s, 31);
    const [a, b] = [
      await load(s.pool, 'emulator:track?title=a'),
      await load(s.pool, 'emulator:track?title=b'),
    ];
    await player.play(a);
    player.queue.add(b);
    await player.destroy();
    await expect(player.skip()).rejects.toMatchObject({ code: ErrorCodes.PlayerDestroyed });
    await expect(player.previous()).rejects.toMatchObject({ code: ErrorCodes.PlayerDestroyed });
    expect(s.emulator.players(s.sessionId)).toEqual([]);
    expect(player.queue.tracks).toEqual([b]);
  });

  it('toJSON is a complete, JSON-safe snapshot', async () => {
    const s = await start();
    const player = await joined(s, 32);
    const track = await load(s.pool, 'emulator:track?length=200000');
    const next = await load(s.pool, 'emulator:track?title=next');
    await player.play(track, { userData: { requester: '7' }, endTime: 150_000 });
    await player.setVolume(80);
    await player.setFilters(FilterPresets.eightD());
    player.queue.add(next);
    player.textChannelId = '400000000000000001';
    player.data = { locale: 'fr' };
    s.clock.advance(3000);
    const snapshot = player.toJSON();
    expect(snapshot).toEqual({
      v: PLAYER_SNAPSHOT_VERSION,
      guildId: guildId(32),
      node: 'node1',
      shardId: null,
      selfDeaf: true,
      selfMute: false,
      voice: {
        channelId: channelId(32),
        sessionId: s.connector.sessionIdOf(guildId(32)),
        token: player.voice.token,
        endpoint: 'emulated.discord.media',
      },
      textChannelId: '400000000000000001',
      track: { ...track, userData: { requester: '7' } },
      position: 3000,
      timestamp: s.clock.now(),
      paused: false,
      volume: 80,
      filters: { rotation: { rotationHz: 0.2 } },
      endTime: 150_000,
      queue: { current: player.track, tracks: [next], history: [], loop: 'off', historyLimit: 50 },
      data: { locale: 'fr' },
    });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

describe('Player waits', () => {
  it('a control call waits for the request and reports Lavalink errors', async () => {
    const s = await start();
    const player = await joined(s, 40);
    s.emulator.failNextRequests(1, { route: 'player', status: 500 });
    await expect(player.setVolume(10)).rejects.toMatchObject({ code: ErrorCodes.RestError });
    expect(player.volume).toBe(100);
    await waitFor(() => s.emulator.requestCount('player') > 0);
  });
});
