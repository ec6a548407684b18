/**
 * The player driving its queue from Lavalink's events, the events' payloads, and the inactive
 * player timeout, against the emulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Player } from '../../src/player/player.js';
import { Pool } from '../../src/pool.js';
import type { Track } from '../../src/protocol/track.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { channelId, guildId, startCluster, TEST_USER_ID } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';

let cluster: Cluster | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
  await cleanup?.();
  cleanup = undefined;
});

interface Setup {
  c: Cluster;
  player: Player;
  sid: string;
  emulator: LavalinkEmulator;
  tracks: Track[];
}

/** A joined player and `count` distinct long tracks. */
async function setup(i: number, count = 3): Promise<Setup> {
  cluster = await startCluster(1);
  const c = cluster;
  const tracks: Track[] = [];
  for (let n = 0; n < count; n++) {
    const result = await c.pool.load(`emulator:track?title=t${n}&length=600000`);
    if (result.loadType !== 'track') throw new Error('catalogue changed');
    tracks.push(result.data);
  }
  const player = await c.pool.join({ guildId: guildId(i), channelId: channelId(i) });
  return { c, player, sid: player.node.sessionId!, emulator: c.emulators[0]!, tracks };
}

function serverTitle(s: Setup): string | null {
  return s.emulator.player(s.sid, s.player.guildId)?.track?.info.title ?? null;
}

/** Finishes the current track and resolves with the next trackStart. */
async function finishAndNextStart(s: Setup): Promise<Track> {
  const started = nextEvent(s.c.pool, 'trackStart');
  expect(s.emulator.finishTrack(s.sid, s.player.guildId)).toBe(true);
  return (await started).track;
}

describe('queue driving', () => {
  it('trackEnd(finished) plays the next queued track', async () => {
    const s = await setup(1);
    const [a, b, c] = s.tracks as [Track, Track, Track];
    await s.player.play(a);
    s.player.queue.add([b, c]);
    const events = recordEvents(s.c.pool, ['trackEnd', 'trackStart']);
    expect(await finishAndNextStart(s)).toBe(b);
    expect(events.names()).toEqual(['trackEnd', 'trackStart']);
    expect(events.log[0]![1]).toEqual({ player: s.player, track: a, reason: 'finished', mayStartNext: true });
    expect(serverTitle(s)).toBe('t1');
    expect(s.player.track).toBe(b);
    expect(s.player.queue.current).toBe(b);
    expect(s.player.queue.tracks).toEqual([c]);
    expect(s.player.queue.history).toEqual([a]);
  });

  it('trackStart listeners see the started track as the player track and the queue current', async () => {
    const s = await setup(11);
    const [a, b] = s.tracks as [Track, Track];
    const seen: Array<[Track, Track | null, Track | null]> = [];
    s.c.pool.on(
      'trackStart',
      ({ player, track }) => void seen.push([track, player.track, player.queue.current]),
    );
    const started = nextEvent(s.c.pool, 'trackStart');
    await s.player.play(a);
    await started;
    s.player.queue.add(b);
    await finishAndNextStart(s);
    expect(seen).toHaveLength(2);
    for (const [i, track] of [a, b].entries()) {
      for (const seenTrack of seen[i]!) expect(seenTrack).toBe(track);
    }
    expect(s.player.queue.history).toEqual([a]);
  });

  it('trackEnd(stopped) and trackEnd(replaced) do not advance', async () => {
    const s = await setup(2);
    const [a, b, c] = s.tracks as [Track, Track, Track];
    await s.player.play(a);
    s.player.queue.add(b);
    const replaced = nextEvent(s.c.pool, 'trackEnd');
    await s.player.play(c);
    expect(await replaced).toMatchObject({ track: a, reason: 'replaced', mayStartNext: false });
    const stopped = nextEvent(s.c.pool, 'trackEnd');
    await s.player.stop();
    expect(await stopped).toMatchObject({ track: c, reason: 'stopped', mayStartNext: false });
    const starts = recordEvents(s.c.pool, ['trackStart']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(starts.log).toEqual([]);
    expect(serverTitle(s)).toBeNull();
    expect(s.player.queue.tracks).toEqual([b]);
  });

  it('a track Lavalink stops by itself (cleanup) leaves the player idle without advancing', async () => {
    const s = await setup(3);
    const [a, b] = s.tracks as [Track, Track];
    await s.player.play(a);
    s.player.queue.add(b);
    const ended = nextEvent(s.c.pool, 'trackEnd');
    s.emulator.finishTrack(s.sid, s.player.guildId, 'cleanup');
    expect(await ended).toMatchObject({ track: a, reason: 'cleanup', mayStartNext: false });
    expect(s.player.track).toBeNull();
    expect(s.player.isPlaying).toBe(false);
    expect(s.player.position).toBe(0);
    expect(s.player.queue.tracks).toEqual([b]);
    expect(serverTitle(s)).toBeNull();
  });

  it('queueEnd when the last track finishes', async () => {
    const s = await setup(4);
    await s.player.play(s.tracks[0]!);
    const events = recordEvents(s.c.pool, ['trackEnd', 'queueEnd']);
    const end = nextEvent(s.c.pool, 'queueEnd');
    s.emulator.finishTrack(s.sid, s.player.guildId);
    expect(await end).toEqual({ player: s.player });
    expect(events.names()).toEqual(['trackEnd', 'queueEnd']);
    expect(s.player.track).toBeNull();
    expect(s.player.queue.current).toBeNull();
  });

  it("loop 'track' repeats the track", async () => {
    const s = await setup(5);
    const [a, b] = s.tracks as [Track, Track];
    await s.player.play(a);
    s.player.queue.add(b);
    s.player.queue.loop = 'track';
    expect(await finishAndNextStart(s)).toBe(a);
    expect(await finishAndNextStart(s)).toBe(a);
    expect(serverTitle(s)).toBe('t0');
    expect(s.player.queue.tracks).toEqual([b]);
  });

  it("loop 'queue' cycles through the queue", async () => {
    const s = await setup(6);
    const [a, b] = s.tracks as [Track, Track];
    await s.player.play(a);
    s.player.queue.add(b);
    s.player.queue.loop = 'queue';
    expect(await finishAndNextStart(s)).toBe(b);
    expect(await finishAndNextStart(s)).toBe(a);
    expect(await finishAndNextStart(s)).toBe(b);
  });

  it("a track that threw is not repeated by loop 'track'", async () => {
    const s = await setup(7);
    const [a, b] = s.tracks as [Track, Track];
    await s.player.play(a);
    s.player.queue.add(b);
    s.player.queue.loop = 'track';
    const events = recordEvents(s.c.pool, ['trackException', 'trackEnd', 'trackStart']);
    const started = nextEvent(s.c.pool, 'trackStart');
    s.emulator.trackException(s.sid, s.player.guildId, { message: 'decoder broke', severity: 'suspicious' });
    expect((await started).track).toBe(b);
    expect(events.names()).toEqual(['trackException', 'trackEnd', 'trackStart']);
    expect(events.log[0]![1]).toMatchObject({
      player: s.player,
      track: a,
      exception: { message: 'decoder broke', severity: 'suspicious' },
    });
    expect(events.log[1]![1]).toMatchObject({ reason: 'finished', mayStartNext: true });
    // The broken track is gone, not kept for the loop or the history.
    expect(s.player.queue.history).toEqual([]);
    // The next track loops normally again.
    expect(await finishAndNextStart(s)).toBe(b);
  });

  it('a track that failed to load (loadFailed) moves on', async () => {
    const s = await setup(8);
    const [a, b] = s.tracks as [Track, Track];
    await s.player.play(a);
    s.player.queue.add(b);
    const started = nextEvent(s.c.pool, 'trackStart');
    s.emulator.trackException(s.sid, s.player.guildId, { endReason: 'loadFailed' });
    expect((await started).track).toBe(b);
  });

  it('skip and previous', async () => {
    const s = await setup(9);
    const [a, b, c] = s.tracks as [Track, Track, Track];
    await s.player.play(a);
    s.player.queue.add([b, c]);
    expect(await s.player.skip()).toBe(b);
    expect(serverTitle(s)).toBe('t1');
    expect(await s.player.skip()).toBe(c);
    expect(serverTitle(s)).toBe('t2');
    expect(await s.player.previous()).toBe(b);
    expect(serverTitle(s)).toBe('t1');
    expect(s.player.queue.tracks).toEqual([c]);
    expect(await s.player.previous()).toBe(a);
    expect(await s.player.previous()).toBeNull();
    expect(serverTitle(s)).toBe('t0');
    // Skipping past the end stops.
    s.player.queue.clear();
    const ended = nextEvent(s.c.pool, 'trackEnd');
    expect(await s.player.skip()).toBeNull();
    expect((await ended).reason).toBe('stopped');
    expect(serverTitle(s)).toBeNull();
  });

  it('a short track ends by itself and the next one starts', async () => {
    const s = await setup(10, 0);
    const short = await s.c.pool.load('emulator:track?title=short&length=30');
    const after = await s.c.pool.load('emulator:track?title=after&length=600000');
    if (short.loadType !== 'track' || after.loadType !== 'track') throw new Error('catalogue changed');
    s.player.queue.add(after.data);
    const started = nextEvent(s.c.pool, 'trackStart', { filter: ({ track }) => track === after.data });
    await s.player.play(short.data);
    await started;
    expect(serverTitle(s)).toBe('after');
  });
});

describe('player events', () => {
  it('trackStuck and playerUpdate carry typed payloads', async () => {
    const s = await setup(20, 1);
    await s.player.play(s.tracks[0]!);
    const stuck = nextEvent(s.c.pool, 'trackStuck');
    const update = nextEvent(s.c.pool, 'playerUpdate');
    s.emulator.trackStuck(s.sid, s.player.guildId, 4321);
    expect(await stuck).toEqual({ player: s.player, track: s.tracks[0], thresholdMs: 4321 });
    const { player, state } = await update;
    expect(player).toBe(s.player);
    expect(state).toEqual({
      time: expect.any(Number) as number,
      position: expect.any(Number) as number,
      connected: true,
      ping: 5,
    });
    // Still playing.
    expect(serverTitle(s)).toBe('t0');
  });

  it('events of other guilds do not reach a player', async () => {
    const s = await setup(21, 2);
    const other = await s.c.pool.join({ guildId: guildId(22), channelId: channelId(22), play: s.tracks[1]! });
    await s.player.play(s.tracks[0]!);
    const ended = nextEvent(s.c.pool, 'trackEnd');
    s.emulator.finishTrack(s.sid, other.guildId);
    expect((await ended).player).toBe(other);
    expect(s.player.track).toBe(s.tracks[0]);
  });
});

describe('inactive player timeout', () => {
  async function startInactive(
    timeoutMs: number,
  ): Promise<{ pool: Pool; emulator: LavalinkEmulator; connector: TestConnector; track: Track }> {
    const emulator = new LavalinkEmulator({ password: 'pw' });
    await emulator.start();
    const connector = new TestConnector({ userId: TEST_USER_ID });
    const pool = new Pool({
      nodes: [
        {
          identifier: 'node1',
          uri: emulator.url,
          password: emulator.password,
          inactivePlayerTimeoutMs: timeoutMs,
        },
      ],
      connector,
      store: false,
    });
    pool.on('error', () => undefined);
    cleanup = async () => {
      await pool.close();
      connector.destroy();
      await emulator.stop();
    };
    await pool.connect();
    const result = await pool.load('emulator:track?length=600000');
    if (result.loadType !== 'track') throw new Error('catalogue changed');
    return { pool, emulator, connector, track: result.data };
  }

  it('destroys a player that joined and never played, with reason inactive', async () => {
    const { pool, emulator } = await startInactive(30);
    const player = await pool.join({ guildId: guildId(30), channelId: channelId(30) });
    const destroyed = await nextEvent(pool, 'playerDestroyed', { timeoutMs: 1000 });
    expect(destroyed).toEqual({ player, reason: 'inactive' });
    expect(pool.players.size).toBe(0);
    await waitFor(() => emulator.players(player.node.sessionId!).length === 0, {
      what: 'player removed on Lavalink',
    });
  });

  it('destroys a player whose queue ended, or that was stopped', async () => {
    const { pool, emulator, track } = await startInactive(30);
    const ended = await pool.join({ guildId: guildId(31), channelId: channelId(31), play: track });
    const stopped = await pool.join({ guildId: guildId(32), channelId: channelId(32), play: track });
    const destroyed = recordEvents(pool, ['playerDestroyed']);
    emulator.finishTrack(ended.node.sessionId!, ended.guildId);
    await stopped.stop();
    await waitFor(() => destroyed.log.length === 2, { what: 'both destroyed' });
    expect(destroyed.log.map(([, p]) => p)).toEqual(
      expect.arrayContaining([
        { player: ended, reason: 'inactive' },
        { player: stopped, reason: 'inactive' },
      ]),
    );
  });

  it('keeps a playing player, and a player that starts playing again', async () => {
    const { pool, track } = await startInactive(30);
    const destroyed = recordEvents(pool, ['playerDestroyed']);
    const playing = await pool.join({ guildId: guildId(33), channelId: channelId(33), play: track });
    const idle = await pool.join({ guildId: guildId(34), channelId: channelId(34), play: track });
    await idle.stop();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await idle.play(track);
    await new Promise((resolve) => setTimeout(resolve, 45));
    expect(destroyed.log).toEqual([]);
    expect(playing.isDestroyed).toBe(false);
    expect(idle.isDestroyed).toBe(false);
  });

  it('pool.close() stops the timers: a closed pool destroys nothing and leaves no channel later', async () => {
    const { pool, connector, track } = await startInactive(30);
    const player = await pool.join({ guildId: guildId(36), channelId: channelId(36), play: track });
    await player.stop();
    const destroyed = recordEvents(pool, ['playerDestroyed']);
    await pool.close();
    await new Promise((resolve) => setTimeout(resolve, 45));
    expect(destroyed.log).toEqual([]);
    expect(player.isDestroyed).toBe(false);
    // The bot stays in the channel: the player may resume on the next start.
    expect(connector.sent.filter((p) => p.channel_id === null)).toEqual([]);
  });

  it('is off by default', async () => {
    const s = await setup(35, 0);
    const destroyed = recordEvents(s.c.pool, ['playerDestroyed']);
    await s.player.stop();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(destroyed.log).toEqual([]);
  });
});
