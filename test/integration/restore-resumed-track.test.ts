/**
 * A bot killed between starting a track and saving it: the store still holds the track before, while
 * the resumed Lavalink session plays the new one. The restored player must take the server's track
 * into its queue (or the queue would replay it next) and save it (or a second restart would estimate
 * from the old track's end: soak seed 5, a move 2.1 s behind).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LavafleetError } from '../../src/errors.js';
import { FileStore } from '../../src/persistence/file-store.js';
import type { Pool } from '../../src/pool.js';
import type { Track } from '../../src/protocol/track.js';
import type { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import {
  loadTracks,
  persistChannel,
  persistGuild,
  persistentPool,
  startEmulators,
} from '../fixtures/persist-harness.js';

let root = '';
let emulators: LavalinkEmulator[] = [];
const pools: Pool[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lavafleet-resumed-track-'));
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(emulators.map((emulator) => emulator.stop()));
  emulators = [];
  await rm(root, { recursive: true, force: true });
});

function startBot(directory: string, intervalMs: number): { pool: Pool; errors: LavafleetError[] } {
  const errors: LavafleetError[] = [];
  const store = new FileStore({ directory, fsync: false, onError: (error) => errors.push(error) });
  const { pool } = persistentPool(emulators, store, { stateSaveIntervalMs: intervalMs });
  pool.on('error', (error) => void errors.push(error));
  pools.push(pool);
  return { pool, errors };
}

/** The identifier of the track saved for `guildId` (the encoded form carries the position). */
async function savedTrack(directory: string, guildId: string): Promise<string | null> {
  const reader = new FileStore({ directory, fsync: false });
  const entries = await reader.list('');
  await reader.close();
  for (const { key, value } of entries) {
    if (!key.endsWith(`/players/${guildId}`)) continue;
    const snapshot = JSON.parse(value) as { track: { info: { identifier: string } } | null };
    return snapshot.track?.info.identifier ?? null;
  }
  return null;
}

describe('a resumed session that plays a newer track than the store', () => {
  it("takes the server's track into the queue and saves it", async () => {
    emulators = await startEmulators(1);
    const live = join(root, 'live');
    const crashed = join(root, 'crashed');
    const first = startBot(live, 60_000);
    await first.pool.connect();
    await waitFor(() => first.pool.getNode('node1')!.canResume === true, { what: 'resuming configured' });
    const [a, b, c] = (await loadTracks(first.pool, 3)) as [Track, Track, Track];
    const guildId = persistGuild(0);
    const player = await first.pool.join({ guildId, channelId: persistChannel(0), play: a });
    player.queue.add([b, c]);
    await first.pool.saveState();
    // What a kill -9 leaves: the store as of the last save, before the next track started.
    await cp(live, crashed, { recursive: true });
    await player.skip();
    await waitFor(() => player.track?.info.identifier === b.info.identifier, {
      what: 'the second track playing',
    });
    const sessionId = first.pool.getNode('node1')!.sessionId!;
    pools.splice(pools.indexOf(first.pool), 1);
    await first.pool.close();
    await waitFor(() => emulators[0]!.sessions()[0]?.status === 'paused', { what: 'the session paused' });
    expect(await savedTrack(crashed, guildId)).toBe(a.info.identifier);

    const second = startBot(crashed, 60_000);
    const restored = nextEvent(second.pool, 'playersRestored');
    await second.pool.connect();
    await restored;
    expect(second.pool.getNode('node1')!.sessionId).toBe(sessionId);
    const back = second.pool.getPlayer(guildId)!;
    expect(back.track?.info.identifier).toBe(b.info.identifier);
    // The queue follows: the track playing is current, and the next one is the one after it.
    expect(back.queue.current?.info.identifier).toBe(b.info.identifier);
    expect(back.queue.tracks.map((track) => track.info.identifier)).toEqual([c.info.identifier]);
    // And the store learns it on the next save (the interval is a minute: this one is soon).
    let saved = await savedTrack(crashed, guildId);
    for (let i = 0; i < 100 && saved !== b.info.identifier; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      saved = await savedTrack(crashed, guildId);
    }
    expect(saved).toBe(b.info.identifier);
    expect(second.errors).toEqual([]);
  });
});
