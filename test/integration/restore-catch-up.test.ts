/**
 * Regression (chaos soak, issue 5): a bot killed between two saves comes back with a snapshot taken
 * before its track ended. With its Lavalink session gone the player is re-created, and it must be
 * re-created where its queue is by now — not at the old track's end, whose tail would play before
 * the next track started from 0. And players restored together share their equal tracks.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import type { LoopMode } from '../../src/player/queue.js';
import type { Pool } from '../../src/pool.js';
import type { Track } from '../../src/protocol/track.js';
import type { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { persistChannel, persistGuild, persistentPool, startEmulators } from '../fixtures/persist-harness.js';

let emulators: LavalinkEmulator[] = [];
const pools: Pool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(emulators.map((emulator) => emulator.stop()));
  emulators = [];
});

const GUILD = persistGuild(0);

interface Saved {
  key: string;
  snapshot: { position: number; timestamp: number; track: Track | null };
}

async function savedPlayer(store: MemoryStore, guildId: string): Promise<Saved> {
  const entry = (await store.list('')).find(({ key }) => key.endsWith(`/players/${guildId}`));
  if (!entry) throw new Error(`no saved player for ${guildId}`);
  return { key: entry.key, snapshot: JSON.parse(entry.value) as Saved['snapshot'] };
}

/** Emulator tracks of the given lengths, titled (and identified) by their key. */
async function tracksOf(pool: Pool, lengths: Record<string, number>): Promise<Record<string, Track>> {
  const tracks: Record<string, Track> = {};
  for (const [name, length] of Object.entries(lengths)) {
    const result = await pool.load(`emulator:track?length=${length}&title=${name}&id=${name}`);
    if (result.loadType !== 'track') throw new Error(`no track ${name}`);
    tracks[name] = result.data;
  }
  return tracks;
}

/**
 * The first bot plays `playing` with `queued` after it, saves and dies; its Lavalink session expires.
 * Its last save is made `downMs` older, as if the kill had come that long after it: the same data a
 * store holds after a SIGKILL between saves, without a test that sleeps.
 */
async function killedBot(
  lengths: Record<string, number>,
  { queued, loop = 'off', downMs }: { queued: string[]; loop?: LoopMode; downMs: number },
) {
  emulators = await startEmulators(1);
  const store = new MemoryStore();
  const first = persistentPool(emulators, store);
  await first.pool.connect();
  await waitFor(() => first.pool.getNode('node1')!.canResume === true, { what: 'resuming configured' });
  const [playing] = Object.keys(lengths);
  const tracks = await tracksOf(first.pool, lengths);
  const player = await first.pool.join({
    guildId: GUILD,
    channelId: persistChannel(0),
    play: tracks[playing!]!,
  });
  player.queue.add(queued.map((name) => tracks[name]!));
  player.queue.loop = loop;
  const sessionId = first.pool.getNode('node1')!.sessionId!;
  await first.pool.close();
  await waitFor(() => emulators[0]!.sessions()[0]?.status === 'paused', { what: 'the session paused' });
  expect(emulators[0]!.expireSession(sessionId)).toBe(true);
  const { key, snapshot } = await savedPlayer(store, GUILD);
  expect(snapshot.track?.info.identifier).toBe(playing);
  await store.set(key, JSON.stringify({ ...snapshot, timestamp: snapshot.timestamp - downMs }));
  return { store, tracks, saved: { ...snapshot, timestamp: snapshot.timestamp - downMs } };
}

/** The second bot: restores from `store` and re-creates the player on the emulator. */
async function restartedBot(store: MemoryStore) {
  const second = persistentPool(emulators, store);
  pools.push(second.pool);
  const errors: unknown[] = [];
  second.pool.on('error', (error) => void errors.push(error));
  const events = recordEvents(second.pool, ['queueEnd', 'trackEnd']);
  const restored = nextEvent(second.pool, 'playersRestored');
  await second.pool.connect();
  await restored;
  const player = second.pool.getPlayer(GUILD)!;
  const server = () => emulators[0]!.player(player.node.sessionId!, GUILD);
  return { connector: second.connector, player, server, events, errors };
}

/** Where the saved track would be now on an unbroken timeline, before any track end. */
function timelinePosition(saved: { position: number; timestamp: number }): number {
  return saved.position + (Date.now() - saved.timestamp);
}

it('re-creates the player on the track that plays by now, at its offset, with the history updated', async () => {
  const { store, saved } = await killedBot(
    { one: 1000, two: 1000, three: 60_000 },
    { queued: ['two', 'three'], downMs: 2500 },
  );
  const { player, server, events, errors } = await restartedBot(store);

  expect(server()?.track?.info.identifier).toBe('three');
  const expected = timelinePosition(saved) - 1000 - 1000;
  expect(Math.abs(server()!.state.position - expected)).toBeLessThan(250);
  expect(Math.abs(player.position - server()!.state.position)).toBeLessThan(100);
  expect(player.track?.info.identifier).toBe('three');
  expect(player.queue.current).toBe(player.track);
  expect(player.queue.history.map((track) => track.info.identifier)).toEqual(['one', 'two']);
  expect(player.queue.size).toBe(0);
  expect(events.names()).toEqual([]);
  expect(errors).toEqual([]);
});

it('with loop track, re-creates the same track at the overrun modulo its length', async () => {
  const { store, saved } = await killedBot(
    { one: 1000, two: 60_000 },
    { queued: ['two'], loop: 'track', downMs: 2400 },
  );
  const { player, server, errors } = await restartedBot(store);

  expect(server()?.track?.info.identifier).toBe('one');
  const expected = timelinePosition(saved) % 1000;
  expect(Math.abs(server()!.state.position - expected)).toBeLessThan(250);
  expect(player.queue.history).toEqual([]);
  expect(player.queue.tracks.map((track) => track.info.identifier)).toEqual(['two']);
  expect(errors).toEqual([]);
});

it('re-creates an idle player with its voice when the queue ran out, and emits queueEnd', async () => {
  const { store } = await killedBot({ one: 1000, two: 1000 }, { queued: ['two'], downMs: 5000 });
  const { connector, player, server, events, errors } = await restartedBot(store);

  expect(server()).toBeDefined();
  expect(server()!.track).toBeNull();
  expect(server()!.voice.sessionId).toBe(connector.sessionIdOf(GUILD));
  expect(player.track).toBeNull();
  expect(player.queue.current).toBeNull();
  expect(player.queue.history.map((track) => track.info.identifier)).toEqual(['one', 'two']);
  expect(events.log).toEqual([['queueEnd', { player }]]);
  expect(errors).toEqual([]);
});

it('players restored together share the objects of their equal tracks', async () => {
  emulators = await startEmulators(1);
  const store = new MemoryStore();
  const first = persistentPool(emulators, store);
  await first.pool.connect();
  await waitFor(() => first.pool.getNode('node1')!.canResume === true, { what: 'resuming configured' });
  const tracks = await tracksOf(first.pool, { one: 60_000, two: 60_000, three: 60_000 });
  for (let i = 0; i < 3; i += 1) {
    const player = await first.pool.join({
      guildId: persistGuild(i),
      channelId: persistChannel(i),
      play: tracks.one!,
    });
    player.queue.add([tracks.two!, tracks.three!, { ...tracks.two!, userData: { requester: `user${i}` } }]);
  }
  const sessionId = first.pool.getNode('node1')!.sessionId!;
  await first.pool.close();
  // Re-created rather than resumed: a resume would take the current track from Lavalink.
  await waitFor(() => emulators[0]!.sessions()[0]?.status === 'paused', { what: 'the session paused' });
  expect(emulators[0]!.expireSession(sessionId)).toBe(true);

  const second = persistentPool(emulators, store);
  pools.push(second.pool);
  const restored = nextEvent(second.pool, 'playersRestored');
  await second.pool.connect();
  expect((await restored).count).toBe(3);
  const [p0, p1, p2] = [0, 1, 2].map((i) => second.pool.getPlayer(persistGuild(i))!);
  for (const player of [p1!, p2!]) {
    expect(player.queue.current).toBe(p0!.queue.current);
    expect(player.queue.tracks[0]).toBe(p0!.queue.tracks[0]);
    expect(player.queue.tracks[1]).toBe(p0!.queue.tracks[1]);
    // Different userData: a track of its own, sharing the decoded fields.
    expect(player.queue.tracks[2]).not.toBe(p0!.queue.tracks[2]);
    expect(player.queue.tracks[2]!.info).toBe(p0!.queue.tracks[0]!.info);
  }
  expect([p0, p1, p2].map((player) => player!.queue.tracks[2]!.userData)).toEqual([
    { requester: 'user0' },
    { requester: 'user1' },
    { requester: 'user2' },
  ]);
  expect(p0!.track).toBe(p0!.queue.current);
});
