/**
 * A node whose server answered the probe, so failover waits for its session to resume, and then
 * refuses connections: the server went away (killed right after the probe), and a restarted
 * Lavalink has no session to resume. The players move at the first refused reconnect, not when
 * `resumeWaitMs` ends (soak seed 41: 750 restored players silent for the whole wait).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('failover and a refused reconnect', () => {
  it('moves the players at once when the server stops listening during the resume wait', async () => {
    cluster = await startCluster(2, { pool: { failover: { probeTimeoutMs: 200, resumeWaitMs: 20_000 } } });
    const c = cluster;
    await waitFor(() => [...c.pool.nodes.values()].every((n) => n.canResume === true));
    const track = await longTrack(c.pool);
    const players = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        c.pool.join({ guildId: guildId(i), channelId: channelId(i), play: track, node: 'node1' }),
      ),
    );
    const node1 = c.pool.getNode('node1')!;
    const disconnects = recordEvents(node1, ['disconnect']);
    const events = recordEvents(c.pool, ['failoverStart']);
    // The server is alive but refuses the handshakes: the probe answers, failover waits for the resume.
    c.emulators[0]!.rejectHandshake(503, 1_000);
    c.emulators[0]!.dropConnection(node1.sessionId!);
    await waitFor(() => disconnects.log.length >= 3, { what: 'refused handshakes' });
    expect(disconnects.log.every(([, d]) => !(d as { refused: boolean }).refused)).toBe(true);
    expect(events.log).toEqual([]);

    const end = nextEvent(c.pool, 'failoverEnd', { timeoutMs: 5_000 });
    const killedAt = Date.now();
    await c.emulators[0]!.kill();
    const { moved, parked } = await end;
    expect(moved).toBe(10);
    expect(parked).toBe(0);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(disconnects.log.some(([, d]) => (d as { refused: boolean }).refused)).toBe(true);
    expect(players.every((p) => p.node.identifier === 'node2')).toBe(true);
  });
});
