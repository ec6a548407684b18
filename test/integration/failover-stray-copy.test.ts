/**
 * A re-creation the bot gave up on (its node dropped while the request was on its way) can still be
 * applied by the server, after the node came back and its resume was read: a copy nobody knew of,
 * playing next to the moved player (found by the soak, seed 50: 14 guilds on two servers for good).
 * A node that reports a player the pool has on another node, and is not moving, has a stray copy:
 * it is deleted.
 */
import { afterEach, expect, it } from 'vitest';
import type { LavalinkEmulator } from '../../src/testing/index.js';
import { channelId, connectedPoolOver, guildId, longTrack } from '../helpers/cluster.js';
import { nextEvent, waitFor } from '../helpers/events.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

it('deletes a copy a re-creation left on a node that answered it too late', async () => {
  const cluster = await connectedPoolOver(3, {
    failover: { probeTimeoutMs: 200, resumeWaitMs: 20 },
    node: () => ({ requestTimeoutMs: 300, retry: { maxRetries: 0 } }),
  });
  close = cluster.close;
  const { pool: p } = cluster;
  const emulators: LavalinkEmulator[] = cluster.emulators;
  const track = await longTrack(p);
  const players = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      p.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
    ),
  );
  // node2 applies each request at once but answers it after 600 ms: the bot gives up after 300 ms
  // and moves the player to node3, while node2 plays the copy it was asked for.
  emulators[1]!.setLatency({ restReplyMs: 600 });
  const end = nextEvent(p, 'failoverEnd');
  await emulators[0]!.kill();
  const { moved, parked } = await end;
  expect(moved + parked).toBe(10);
  await waitFor(() => players.every((player) => player.node.identifier === 'node3'), {
    what: 'every player on node3',
  });
  const session2 = p.getNode('node2')!.sessionId!;
  expect(emulators[1]!.requestCount('player')).toBeGreaterThan(0);
  // node2 reports the copies (their track start, their updates): each is deleted.
  await waitFor(() => emulators[1]!.players(session2).every((player) => player.track === null), {
    what: 'no copy playing on node2',
    timeoutMs: 5_000,
  });
  const session3 = p.getNode('node3')!.sessionId!;
  for (const player of players)
    expect(emulators[2]!.player(session3, player.guildId)?.track?.info.identifier).toBe(
      track.info.identifier,
    );
});
