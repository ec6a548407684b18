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

  it('moves a player whose re-creation fails to another node instead of leaving it silent', async () => {
    // Found by the chaos soak (seed 42): a resumed session had lost a player, its re-creation hit a
    // 5xx burst, and the player stayed on that node believing it played.
    cluster = await startCluster(2);
    const c = cluster;
    const [emulator1, emulator2] = [c.emulators[0]!, c.emulators[1]!];
    const node1 = c.pool.getNode('node1')!;
    const node2 = c.pool.getNode('node2')!;
    const track = await longTrack(c.pool);
    const player = await c.pool.join({
      guildId: guildId(3),
      channelId: channelId(3),
      node: 'node1',
      play: track,
    });
    const sessionId = node1.sessionId!;

    emulator1.rejectHandshake(503, 2);
    emulator1.dropConnection();
    await waitFor(() => !node1.isReady, { what: 'node1 down' });
    // The track stops on the server and its events are lost: on resume the player must be re-created.
    expect(emulator1.finishTrack(sessionId, player.guildId, 'cleanup')).toBe(true);
    emulator1.dropQueuedMessages(sessionId);
    emulator1.failNextRequests(1, { route: 'player', status: 500 });

    await waitFor(() => emulator2.player(node2.sessionId!, player.guildId)?.track != null, {
      what: 'the player playing on node2',
    });
    expect(player.node).toBe(node2);
    expect(emulator2.player(node2.sessionId!, player.guildId)!.track!.info.identifier).toBe(
      track.info.identifier,
    );
  });
});
