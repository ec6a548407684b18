/**
 * Regression: a track that ends on Lavalink while the bot is down (its TrackEndEvent is queued in the
 * paused session and replayed on resume) must advance the queue once after the restart — not be
 * replayed from the start, and not skip the next track.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import type { Track } from '../../src/protocol/track.js';
import type { LavalinkEmulator } from '../../src/testing/index.js';
import { waitFor } from '../helpers/events.js';
import { persistChannel, persistGuild, persistentPool, startEmulators } from '../fixtures/persist-harness.js';

let emulators: LavalinkEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.map((e) => e.stop()));
});

async function shortTracks(
  load: (q: string) => Promise<{ loadType: string; data: unknown }>,
): Promise<Track[]> {
  const tracks: Track[] = [];
  for (const title of ['one', 'two', 'three']) {
    const result = await load(`emulator:track?length=400&title=${title}&id=${title}`);
    if (result.loadType !== 'track') throw new Error('no track');
    tracks.push(result.data as Track);
  }
  return tracks;
}

it('advances exactly once to the next track when the track ended while the bot was down', async () => {
  emulators = await startEmulators(1);
  const store = new MemoryStore();
  const first = persistentPool(emulators, store);
  await first.pool.connect();
  await waitFor(() => first.pool.getNode('node1')!.canResume === true);
  const [one, two, three] = await shortTracks((q) => first.pool.load(q));
  const player = await first.pool.join({
    guildId: persistGuild(1),
    channelId: persistChannel(1),
    play: one!,
  });
  player.queue.add([two!, three!]);
  const sessionId = first.pool.getNode('node1')!.sessionId!;
  await first.pool.close();
  // The track ends on Lavalink while no bot is connected.
  await waitFor(() => emulators[0]!.player(sessionId, persistGuild(1))?.track === null, {
    what: 'track ended on the server',
  });
  const second = persistentPool(emulators, store);
  await second.pool.connect();
  await waitFor(
    () => emulators[0]!.player(sessionId, persistGuild(1))?.track?.info.identifier !== undefined,
    {
      what: 'the next track playing',
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 40));
  const server = emulators[0]!.player(sessionId, persistGuild(1))!;
  expect(server.track!.info.identifier).toBe('two');
  expect(second.pool.getPlayer(persistGuild(1))!.track!.info.identifier).toBe('two');
  expect(second.pool.getPlayer(persistGuild(1))!.queue.tracks.map((t) => t.info.identifier)).toEqual([
    'three',
  ]);
  await second.pool.close();
});

it('advances the queue when the track ended while the bot was down and its TrackEndEvent was lost', async () => {
  // Lavalink sends one playerUpdate per player right after a resume; an idle player's says position 0.
  // That must not make the restored player think its track just started and replay it from the start.
  emulators = await startEmulators(1);
  const store = new MemoryStore();
  const first = persistentPool(emulators, store);
  await first.pool.connect();
  await waitFor(() => first.pool.getNode('node1')!.canResume === true);
  const load = (q: string) => first.pool.load(q) as Promise<{ loadType: string; data: unknown }>;
  const long = await load('emulator:track?length=1500&title=long&id=long');
  const next = await load('emulator:track?length=60000&title=next&id=next');
  const player = await first.pool.join({
    guildId: persistGuild(1),
    channelId: persistChannel(1),
    play: long.data as Track,
    playOptions: { position: 1300 },
  });
  player.queue.add(next.data as Track);
  const sessionId = first.pool.getNode('node1')!.sessionId!;
  await first.pool.close();
  await waitFor(() => emulators[0]!.player(sessionId, persistGuild(1))?.track === null, {
    what: 'track ended on the server',
  });
  // The TrackEndEvent went into the closing socket: the resumed session replays nothing.
  expect(emulators[0]!.dropQueuedMessages(sessionId)).toBeGreaterThan(0);
  const second = persistentPool(emulators, store);
  await second.pool.connect();
  await waitFor(() => emulators[0]!.player(sessionId, persistGuild(1))?.track !== null, {
    what: 'a track playing again',
  });
  const server = emulators[0]!.player(sessionId, persistGuild(1))!;
  expect(server.track!.info.identifier).toBe('next');
  expect(second.pool.getPlayer(persistGuild(1))!.track!.info.identifier).toBe('next');
  await second.pool.close();
});
