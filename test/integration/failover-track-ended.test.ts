/**
 * Regression (found by the chaos soak, seed 7): a player whose track ended on a node that could not
 * tell the bot (socket down, server alive: its TrackEndEvent waits in the paused session) was moved at
 * the end of that old track; the new node started it, ended it at once, and the next track began from
 * 0. A move now re-creates it on the track its queue is at by now, at the right offset.
 */
import { afterEach, expect, it } from 'vitest';
import type { Track } from '../../src/protocol/track.js';
import { nextEvent, recordEvents } from '../helpers/events.js';
import { channelId, guildId, startCluster } from '../helpers/cluster.js';
import type { Cluster } from '../helpers/cluster.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

it('moves a player whose track ended unseen onto the next track of its queue, at its offset', async () => {
  cluster = await startCluster(2, { pool: { failover: { probeTimeoutMs: 200, resumeWaitMs: 250 } } });
  const c = cluster;
  const load = async (q: string) => (await c.pool.load(q)).data as Track;
  const first = await load('emulator:track?length=1500&title=first&id=first');
  const second = await load('emulator:track?length=60000&title=second&id=second');
  const player = await c.pool.join({
    guildId: guildId(1),
    channelId: channelId(1),
    node: 'node1',
    play: first,
    playOptions: { position: 1400 },
  });
  player.queue.add(second);
  const starts = recordEvents(c.pool, ['trackStart']);
  const moved = nextEvent(c.pool, 'playerMoved');
  // node1's socket drops and stays down, its server alive: the track ends there unseen.
  c.emulators[0]!.rejectHandshake(503, 1_000_000);
  c.emulators[0]!.dropConnection();
  expect((await moved).to.identifier).toBe('node2');
  const node2 = c.pool.getNode('node2')!;
  const server = c.emulators[1]!.player(node2.sessionId!, player.guildId)!;
  expect(server.track?.info.identifier).toBe('second');
  // Where `second` is by now: the time since `first` ended (≥ 150 ms: 250 ms of resume wait).
  expect(server.state.position).toBeGreaterThan(100);
  expect(player.track?.info.identifier).toBe('second');
  expect(player.queue.history.map((t) => t.info.identifier)).toContain('first');
  // `first` was never started again on node2.
  expect(starts.log.map(([, e]) => (e as { track: Track }).track.info.identifier)).not.toContain('first');
});
