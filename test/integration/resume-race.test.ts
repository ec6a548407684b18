/**
 * Found by the chaos soak (seed 2): a node dropped for a late pong reconnected at once, before its
 * server had noticed the old socket close (a loaded server; a proxy in between does the same). The
 * server still counted the old session as connected, so it could not be resumed and a new one came;
 * the old one paused a moment later and played on with every player's copy for the whole resume
 * window, while the pool re-created the players elsewhere: 769 guilds on two servers. A node whose
 * resume fails now makes sure the old session is gone: it resumes it on a side connection once the
 * server has let it go, and ends it.
 */
import { afterEach, expect, it } from 'vitest';
import type { Player } from '../../src/player/player.js';
import { channelId, connectedPoolOver, guildId, longTrack } from '../helpers/cluster.js';
import { nextEvent, waitFor } from '../helpers/events.js';

let cluster: Awaited<ReturnType<typeof connectedPoolOver>> | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

it('a session the server had not let go when the resume came is ended, not left playing', async () => {
  cluster = await connectedPoolOver(1, { node: () => ({ heartbeatMs: 200 }) });
  const c = cluster;
  const emulator = c.emulators[0]!;
  const node = c.pool.getNode('node1')!;
  await waitFor(() => node.canResume === true, { what: 'resume configured' });
  const track = await longTrack(c.pool);
  const players: Player[] = [];
  for (let i = 0; i < 3; i++)
    players.push(await c.pool.join({ guildId: guildId(i), channelId: channelId(i), play: track }));
  const oldSession = node.sessionId!;

  // The server notices dropped sockets late, and stops answering pings: the heartbeat drops the
  // socket and the node reconnects at once, while the old session is still connected.
  emulator.setLatency({ closeNoticeMs: 1_000 }); // well past the reconnect, even on a loaded machine
  emulator.withholdPongs();
  const lost = nextEvent(node, 'sessionLost');
  await waitFor(() => !node.isReady, { what: 'node1 dropped for its pong' });
  emulator.withholdPongs(false);
  await lost;
  expect(node.sessionId).not.toBe(oldSession);
  await waitFor(() => players.every((p) => emulator.player(node.sessionId!, p.guildId)?.track), {
    what: 'the players re-created in the new session',
  });

  await waitFor(() => !emulator.sessions().some((session) => session.id === oldSession), {
    what: 'the old session ended',
  });
  expect(emulator.sessions().map((session) => session.id)).toEqual([node.sessionId]);
});
