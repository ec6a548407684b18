/**
 * The periodic read-back (`syncIntervalMs`): a player the pool believes plays but the server lost
 * without a word (found by the soak, seed 35: one guild silent for good while the bot believed it
 * played) is played again; and nothing is touched while the pool and the server agree.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import type { Pool } from '../../src/pool.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { TEST_USER_ID, channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';
import { waitFor } from '../helpers/events.js';

let emulator: LavalinkEmulator | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await emulator?.stop();
  emulator = undefined;
});

async function start(syncIntervalMs: number): Promise<{ e: LavalinkEmulator; p: Pool }> {
  const e = (emulator = new LavalinkEmulator({ password: 'pw' }));
  await e.start();
  const p = (pool = poolOver([e], { syncIntervalMs, waitForAllNodes: true }));
  p.on('error', () => undefined);
  await p.connect();
  return { e, p };
}

it('plays again a player the server lost without the bot hearing of it', async () => {
  const { e, p } = await start(200);
  const track = await longTrack(p);
  const player = await p.join({ guildId: guildId(1), channelId: channelId(1), play: track });
  const sessionId = player.node.sessionId!;
  // The server loses the player, and its end event is held back: the bot believes it plays.
  e.setLatency({ wsMs: 60_000 });
  const response = await fetch(`${e.url}/v4/sessions/${sessionId}/players/${player.guildId}`, {
    method: 'DELETE',
    headers: { Authorization: e.password },
  });
  expect(response.status).toBe(204);
  expect(player.track?.info.identifier).toBe(track.info.identifier);
  await waitFor(() => e.player(sessionId, player.guildId)?.track?.info.identifier === track.info.identifier, {
    what: 'the player playing again on the server',
    timeoutMs: 3_000,
  });
  expect(player.node.sessionId).toBe(sessionId);
});

it('changes nothing while the pool and the server agree', async () => {
  const { e, p } = await start(50);
  const track = await longTrack(p);
  await p.join({ guildId: guildId(1), channelId: channelId(1), play: track });
  const before = e.requestCount('player');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(e.requestCount('players')).toBeGreaterThan(2); // read back several times
  expect(e.requestCount('player')).toBe(before); // and never re-created or deleted
});

it('re-creates a player once while its re-creation waits, however many read-backs come meanwhile', async () => {
  // A re-creation that waits (a restored player's voice rejoin, a deletion of its old copy) is a move:
  // a read-back meanwhile found the player still missing and re-created it a second time, and two
  // re-creations in flight can land in either order, the older state last (soak seed 59: a track
  // that had ended started again over the next one, then ended, and the guild went silent).
  const e = (emulator = new LavalinkEmulator({ password: 'pw' }));
  await e.start();
  const store = new MemoryStore();
  const first = poolOver([e], { store, waitForAllNodes: true });
  first.on('error', () => undefined);
  await first.connect();
  await waitFor(() => first.getNode('node1')!.canResume === true, { what: 'resume configured' });
  const track = await longTrack(first);
  await first.join({ guildId: guildId(1), channelId: channelId(1), play: track });
  const sessionId = first.getNode('node1')!.sessionId!;
  await first.close();
  // The paused session loses the player: the next bot's resume finds it missing.
  const response = await fetch(`${e.url}/v4/sessions/${sessionId}/players/${guildId(1)}`, {
    method: 'DELETE',
    headers: { Authorization: e.password },
  });
  expect(response.status).toBe(204);
  const before = e.requestCount('player');

  // Discord takes 150 ms a packet to give the restored player a voice session; the pool reads back
  // every 20 ms.
  const p = (pool = poolOver([e], {
    store,
    syncIntervalMs: 20,
    waitForAllNodes: true,
    connector: new TestConnector({ userId: TEST_USER_ID, delayMs: 150 }),
  }));
  p.on('error', () => undefined);
  await p.connect();
  await waitFor(() => e.player(sessionId, guildId(1))?.track?.info.identifier === track.info.identifier, {
    what: 'the player playing again',
    timeoutMs: 3_000,
  });
  const playingAt = Date.now();
  await waitFor(() => Date.now() - playingAt > 100 && e.requestCount('players') > 10, { what: 'read-backs' });
  expect(e.requestCount('player') - before).toBe(1); // one re-creation, nothing after it
});

it('rejects a negative interval, naming the option', () => {
  expect(() => poolOver([], { syncIntervalMs: -1 })).toThrow(/syncIntervalMs/);
});
