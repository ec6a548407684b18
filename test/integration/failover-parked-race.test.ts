/**
 * Regression (found by the chaos soak, seed 12): parked players re-created by two overlapping runs.
 * Two nodes became ready one after the other while players were parked; the first node's run had
 * listed every parked player, the second's re-created some of them first, and the first then moved
 * those again: the copy on the second node kept playing (ghost audio).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recordEvents, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** Sessions (over every emulator) in which a guild has a player with a track. */
function copiesOf(c: Cluster, guild: string): number {
  let copies = 0;
  for (const emulator of c.emulators)
    for (const session of emulator.sessions()) if (emulator.player(session.id, guild)?.track) copies += 1;
  return copies;
}

describe('parked players', () => {
  it('are re-created once when two nodes come back one after the other', async () => {
    cluster = await startCluster(3, {
      pool: { failover: { concurrency: 2, probeTimeoutMs: 100, resumeWaitMs: 100 } },
    });
    const c = cluster;
    const [node1, node2, node3] = [...c.pool.nodes.values()];
    const track = await longTrack(c.pool);
    const guilds = Array.from({ length: 10 }, (_, i) => guildId(i));
    for (const [i, guild] of guilds.entries())
      await c.pool.join({ guildId: guild, channelId: channelId(i), play: track, node: 'node1' });

    await Promise.all([c.emulators[1]!.kill(), c.emulators[2]!.kill()]);
    await waitFor(() => !node2!.isReady && !node3!.isReady, { what: 'node2 and node3 down' });
    await c.emulators[0]!.kill();
    await waitFor(() => c.pool.metrics().parkedPlayers === guilds.length, { what: 'every player parked' });

    // node2 answers slowly, so its run is still busy when node3 is back and starts its own.
    c.emulators[1]!.setLatency({ restMs: 30 });
    const moves = recordEvents(c.pool, ['playerMoved', 'playersRestored']);
    await c.emulators[1]!.restart();
    await waitFor(() => node2!.isReady, { what: 'node2 ready' });
    await c.emulators[2]!.restart();
    // node2's run ends last (every move it makes waits 30 ms) and reports its players then.
    await waitFor(
      () =>
        moves.log.some(([name, p]) => name === 'playersRestored' && (p as { node: unknown }).node === node2),
      {
        what: "node2's run to end",
      },
    );
    await waitFor(
      () => c.pool.metrics().parkedPlayers === 0 && guilds.every((guild) => copiesOf(c, guild) >= 1),
      {
        what: 'every guild playing',
      },
    );

    expect(guilds.map((guild) => copiesOf(c, guild))).toEqual(guilds.map(() => 1));
    expect(moves.names().filter((name) => name === 'playerMoved')).toHaveLength(guilds.length);
    expect(c.pool.metrics().parkedPlayers).toBe(0);
    expect(node1!.isReady).toBe(false);
  });
});
