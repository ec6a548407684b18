/**
 * Regression (found by the chaos soak, seed 10): a failover sent some of its moves to a node that
 * froze at the same moment. Those requests hung for the whole request timeout, holding their slots,
 * so the players behind them were back only after 2 s. A move now ends as soon as its target leaves
 * `connected` (its heartbeat finds the freeze) and goes to the next node.
 */
import { afterEach, expect, it } from 'vitest';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent } from '../helpers/events.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

it('moves aimed at a node that freezes go to the next node once its heartbeat finds it', async () => {
  const emulators = [0, 1, 2].map(() => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const pool = poolOver(emulators, {
    node: () => ({ heartbeatMs: 100, requestTimeoutMs: 10_000 }),
    waitForAllNodes: true,
    failover: { probeTimeoutMs: 100, resumeWaitMs: 20, concurrency: 10, maxConcurrency: 10 },
  });
  pool.on('error', () => undefined);
  stop = async () => {
    await pool.close();
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  };
  await pool.connect();
  const track = await longTrack(pool);
  const players = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      pool.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
    ),
  );
  const [node2, node3] = [pool.getNode('node2')!, pool.getNode('node3')!];
  const end = nextEvent(pool, 'failoverEnd', { timeoutMs: 15_000 });
  emulators[1]!.freeze();
  await emulators[0]!.kill();
  const { moved, parked, durationMs } = await end;
  expect(emulators[1]!.requestCount('player')).toBeGreaterThan(0); // some moves were aimed at node2
  expect(moved).toBe(40);
  expect(parked).toBe(0);
  expect(durationMs).toBeLessThan(3_000); // not the 10 s request timeout
  for (const player of players) expect(player.node).toBe(node3);
  expect(node2.isReady).toBe(false);
});
