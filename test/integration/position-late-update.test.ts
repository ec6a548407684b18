/**
 * Regression (chaos soak, seed 42 and others: moved tracks 0.7–1.3 s behind after CPU-bound bursts):
 * a `playerUpdate` handled late (held by a slow link or a frozen node, or waiting behind a busy event
 * loop) anchored its position at the moment it was handled, as if it were fresh. The estimate was
 * behind by the delay until the next update, and a move meanwhile started the track that far behind.
 * The position is now anchored at the update's own `time`, mapped to this process's clock.
 * Emulators and pool share a fake clock, so no real time passes.
 */
import { afterEach, expect, it } from 'vitest';
import { channelId, fakeClockPoolOver, guildId, longTrack } from '../helpers/cluster.js';
import { nextEvent, waitFor } from '../helpers/events.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function playingOnNode1() {
  const cluster = await fakeClockPoolOver(2, { playerUpdateIntervalMs: 600_000 });
  stop = cluster.close;
  const { clock, emulators, pool } = cluster;
  const player = await pool.join({
    guildId: guildId(1),
    channelId: channelId(1),
    node: 'node1',
    play: await longTrack(pool),
  });
  const served = () => emulators[0]!.player(pool.getNode('node1')!.sessionId!, player.guildId)!;
  // One update handled as soon as it is sent: how long frames usually take.
  clock.advance(3_000);
  const first = nextEvent(pool, 'playerUpdate');
  emulators[0]!.sendPlayerUpdates();
  await first;
  return { clock, emulators, pool, player, served };
}

/** An update stamped now on node1, handled by the bot `lateMs` later (node1 frozen meanwhile). */
async function lateUpdate(
  { clock, emulators, pool }: Awaited<ReturnType<typeof playingOnNode1>>,
  lateMs: number,
): Promise<void> {
  emulators[0]!.freeze();
  emulators[0]!.sendPlayerUpdates(); // held while frozen, as a hung process's output
  clock.advance(lateMs);
  const update = nextEvent(pool, 'playerUpdate');
  emulators[0]!.unfreeze();
  await update;
}

it('anchors a late playerUpdate at its own time: the estimate stays where the server plays', async () => {
  const cluster = await playingOnNode1();
  await lateUpdate(cluster, 1_500);
  const truth = cluster.served().state.position;
  expect(Math.abs(cluster.player.position - truth)).toBeLessThan(50);
});

it('a move after a late playerUpdate starts the track where it is, not that far behind', async () => {
  const cluster = await playingOnNode1();
  await lateUpdate(cluster, 1_500);
  const expected = cluster.served().state.position;
  const node2 = cluster.pool.getNode('node2')!;
  await cluster.player.moveTo(node2);
  const moved = cluster.emulators[1]!.player(node2.sessionId!, cluster.player.guildId)!;
  expect(Math.abs(moved.state.position - expected)).toBeLessThan(50);
});

it('anchors a re-creation where the target handled it, not at the middle of the round trip', async () => {
  // The way there and the way back are seldom equal: here the request waits 250 ms to be handled
  // (a node that stalls), and the answer comes at once. Anchored in the middle, the estimate ran
  // 125 ms ahead of the server, and a second move took the track that far ahead.
  const cluster = await playingOnNode1();
  const { clock, emulators, pool, player } = cluster;
  const node2 = pool.getNode('node2')!;
  // node2 has a player of its own, so its clock is known.
  await pool.join({ guildId: guildId(2), channelId: channelId(2), node: 'node2', play: player.track! });
  const update = nextEvent(pool, 'playerUpdate');
  emulators[1]!.sendPlayerUpdates();
  await update;
  emulators[1]!.freeze();
  const moving = player.moveTo(node2);
  await waitFor(() => emulators[1]!.requestCount('player') >= 2, { what: 'the move sent' });
  await new Promise((resolve) => setTimeout(resolve, 20)); // the request reaches the frozen server
  clock.advance(250);
  emulators[1]!.unfreeze();
  await moving;
  const served = emulators[1]!.player(node2.sessionId!, player.guildId)!;
  expect(Math.abs(player.position - served.state.position)).toBeLessThan(20);
});
