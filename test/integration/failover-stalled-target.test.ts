/**
 * Regression (found by the chaos soak, seed 10): a failover sent moves to a node that froze a moment
 * before, while its heartbeat had not noticed yet. The hung moves soon held every slot, and the
 * players bound for the node that answered waited until the heartbeat found the freeze (950 of 1000
 * parked). A target with moves outstanding and no answer for 250 ms is now avoided while another node
 * can take the players, and the moves hanging on it stop holding slots.
 */
import { afterEach, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

it('moves go on to the node that answers while another target hangs unnoticed', async () => {
  const emulators = [0, 1, 2].map(() => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const pool = poolOver(emulators, {
    // The heartbeat finds the freeze only after a second or more: the failover is over by then.
    node: () => ({ heartbeatMs: 1_500, requestTimeoutMs: 10_000 }),
    waitForAllNodes: true,
    failover: { probeTimeoutMs: 100, resumeWaitMs: 20, concurrency: 10, maxConcurrency: 100 },
  });
  pool.on('error', () => undefined);
  stop = async () => {
    await pool.close();
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  };
  await pool.connect();
  const track = await longTrack(pool);
  const players = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      pool.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
    ),
  );
  const node3 = pool.getNode('node3')!;
  const started = nextEvent(pool, 'failoverStart', { timeoutMs: 5_000 });
  const end = nextEvent(pool, 'failoverEnd', { timeoutMs: 15_000 });
  emulators[1]!.freeze();
  await emulators[0]!.kill();
  await started;
  const startedAt = Date.now();
  // Every player not hung on node2 is on node3 well before the heartbeat notices node2.
  await waitFor(() => players.filter((player) => player.node === node3).length >= 50, {
    what: 'the players not hung on node2 moved to node3',
    timeoutMs: 5_000,
  });
  expect(Date.now() - startedAt).toBeLessThan(1_000);
  expect(emulators[1]!.requestCount('player')).toBeGreaterThan(0); // some moves were aimed at node2
  expect(emulators[1]!.requestCount('player')).toBeLessThanOrEqual(10); // not more than one slot's worth
  // The hung ones follow once the heartbeat finds the freeze.
  const { moved, parked } = await end;
  expect(moved).toBe(60);
  expect(parked).toBe(0);
  for (const player of players) expect(player.node).toBe(node3);
});
