/**
 * Regression (found by the chaos soak, seeds 11, 12, 13): a resumed session kept players the pool
 * did not drive there, and they played on. The soak's case was a player moved off a frozen node
 * just before a bot restart: the new process resumed that node's session, which still held it, and
 * the guild played on two nodes for good. Only players the pool itself had moved away were deleted;
 * now everything in the resumed session that the pool does not have on that node is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('a resumed session', () => {
  it('loses a player that was destroyed while the node was down', async () => {
    cluster = await startCluster(1);
    const c = cluster;
    const emulator = c.emulators[0]!;
    const node = c.pool.getNode('node1')!;
    const track = await longTrack(c.pool);
    const kept = await c.pool.join({ guildId: guildId(1), channelId: channelId(1), play: track });
    const gone = await c.pool.join({ guildId: guildId(2), channelId: channelId(2), play: track });
    const sessionId = node.sessionId!;

    emulator.rejectHandshake(503, 2); // the node stays down for a few reconnect attempts
    emulator.dropConnection();
    await waitFor(() => !node.isReady, { what: 'node1 down' });
    const resumed = nextEvent(c.pool, 'nodeResumed');
    await gone.destroy(); // its node is down: nothing reaches Lavalink now
    expect(emulator.player(sessionId, gone.guildId)?.track).toBeTruthy();

    expect((await resumed).sessionId).toBe(sessionId);
    await waitFor(() => emulator.player(sessionId, gone.guildId) === undefined, {
      what: 'the destroyed player deleted on the server',
    });
    expect(emulator.player(sessionId, kept.guildId)?.track?.info.identifier).toBe(track.info.identifier);
    expect(kept.node).toBe(node);
  });
});
