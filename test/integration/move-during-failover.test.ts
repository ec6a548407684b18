/**
 * A manual move (`player.moveTo`) of a player that a failover is moving waits for that move. Both
 * in flight at once, the manual one landed first and the failover's after it: its `playerMoved`
 * came last and named the node the player had already left, and a copy could be left on either
 * node depending on which request each server handled first.
 */
import { expect, it } from 'vitest';
import type { PoolEvents } from '../../src/pool/pool-events.js';
import { clustersClosedAfterEach, guildId, joinPlaying } from '../helpers/cluster.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';

const connectedCluster = clustersClosedAfterEach();

it('a manual move of a player that a failover is moving waits for that move, and one copy plays', async () => {
  const cluster = await connectedCluster(3, { failover: { probeTimeoutMs: 100 } });
  const { pool } = cluster;
  const [emulator1, emulator2, emulator3] = cluster.emulators;
  const [node2, node3] = [pool.getNode('node2')!, pool.getNode('node3')!];
  const { player, track } = await joinPlaying(pool, 'node1');
  // node3's CPU is busy, so the failover picks node2, which answers 300 ms late.
  emulator3!.setStats({ cpu: { systemLoad: 0.95, lavalinkLoad: 0.95 } });
  emulator3!.sendStats();
  await waitFor(() => node3.stats?.cpu.lavalinkLoad === 0.95, { what: 'node3 busy' });
  emulator2!.setLatency({ restMs: 300 });
  // Measured before the failover: a target that far away is waited for, not given up as stalled.
  for (let i = 0; i < 3; i += 1) await node2.rest.version();
  expect(node2.restLatencyMs).toBeGreaterThan(150);
  const failoverEnd = nextEvent(pool, 'failoverEnd', { timeoutMs: 5_000 });
  const moves = recordEvents(pool, ['playerMoved']);
  await emulator1!.kill();
  await waitFor(() => player.node === node2, { what: 'the failover moving the player to node2' });

  // Meanwhile, the bot moves it to node3 by hand.
  await player.moveTo(node3);
  expect((await failoverEnd).moved).toBe(1);
  // Where the player points, it plays; nowhere else.
  expect(player.node).toBe(node3);
  expect(emulator3!.player(node3.sessionId!, guildId(1))?.track?.info.identifier).toBe(track.info.identifier);
  await waitFor(() => emulator2!.player(node2.sessionId!, guildId(1)) === undefined, {
    what: 'no copy left on node2',
    timeoutMs: 2_000,
  });
  expect(player.node).toBe(node3);
  // The events tell the moves in the order they happened: the last one names where it plays.
  const told = moves.log.map(([, payload]) => {
    const { from, to, reason } = payload as PoolEvents['playerMoved'];
    return `${from.identifier}>${to.identifier} ${reason}`;
  });
  expect(told).toEqual(['node1>node2 failover', 'node2>node3 manual']);
});
