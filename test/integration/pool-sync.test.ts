/**
 * The periodic read-back (`syncIntervalMs`): a player the pool believes plays but the server lost
 * without a word (found by the soak, seed 35: one guild silent for good while the bot believed it
 * played) is played again; and nothing is touched while the pool and the server agree.
 */
import { afterEach, expect, it } from 'vitest';
import type { Pool } from '../../src/pool.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';
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

it('rejects a negative interval, naming the option', () => {
  expect(() => poolOver([], { syncIntervalMs: -1 })).toThrow(/syncIntervalMs/);
});
