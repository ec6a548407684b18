/**
 * Regression (found by the chaos soak, seed 12): the answer to a re-creation came after the track had
 * ended on the new node and the next one had started there; it anchored the next track at the old
 * one's position (56 s), and a later move started the next track there, past its end, so it ended at
 * once and the guild went silent.
 */
import { afterEach, expect, it } from 'vitest';
import { nextEvent, waitFor } from '../helpers/events.js';
import { channelId, connectedPoolOver, guildId, longTrack } from '../helpers/cluster.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** Two nodes; a player on node1 playing a short track (`length` ms, id `id`) with a long one queued. */
async function shortThenLong(length: number, id: string) {
  const { emulators, pool, close } = await connectedPoolOver(2);
  stop = close;
  const short = await pool.load(`emulator:track?title=Short&length=${length}&id=${id}`);
  if (short.loadType !== 'track') throw new Error('no short track');
  const next = await longTrack(pool);
  const player = await pool.join({
    guildId: guildId(1),
    channelId: channelId(1),
    node: 'node1',
    play: short.data,
  });
  player.queue.add(next);
  return { emulators, pool, player, next, node2: pool.getNode('node2')! };
}

/**
 * Moves the player to node2 and checks that its one request started the next track there (at most
 * `maxPositionMs` into it), and that the short track `id` was reported finished.
 */
async function moveStartsNextTrack(
  { emulators, pool, player, next, node2 }: Awaited<ReturnType<typeof shortThenLong>>,
  id: string,
  maxPositionMs: number,
): Promise<void> {
  const before = emulators[1]!.requestCount('player');
  const ended = nextEvent(pool, 'trackEnd');
  await player.moveTo(node2);
  expect(emulators[1]!.requestCount('player') - before).toBe(1);
  const onNode2 = emulators[1]!.player(node2.sessionId!, player.guildId);
  expect(onNode2?.track?.info.identifier).toBe(next.info.identifier);
  expect(onNode2!.state.position).toBeLessThan(maxPositionMs);
  expect(await ended).toMatchObject({ track: { info: { identifier: id } }, reason: 'finished' });
  expect(player.track?.info.identifier).toBe(next.info.identifier);
}

it('a track that ends on the new node before the move is answered: the next track keeps its own position', async () => {
  const { emulators, pool, player, next, node2 } = await shortThenLong(4000, 'endsoon01');
  await player.seek(3_750); // 250 ms left: enough to be started on node2 (see the next tests)
  emulators[1]!.setLatency({ restReplyMs: 400 }); // the answer comes after the track ended there
  const started = nextEvent(pool, 'trackStart', {
    filter: ({ track }) => track.info.identifier === next.info.identifier,
  });
  await player.moveTo(node2);
  await started;
  await waitFor(
    () =>
      emulators[1]!.player(node2.sessionId!, player.guildId)?.track?.info.identifier === next.info.identifier,
    { what: 'the next track on node2' },
  );
  await waitFor(() => emulators[1]!.requestCount('player') >= 2, { what: 'the next track requested' });
  await node2.rest.getPlayer(player.guildId); // after the next track's answer
  expect(player.track?.info.identifier).toBe(next.info.identifier);
  expect(player.position).toBeLessThan(2_000);
});

it('a track that would end before the move reaches the new node: the move starts the next track itself', async () => {
  // Soak seed 2: under a latency spike, a move started the old track at its end on the new node; its
  // end came back a way later, and the next track went there a way after that.
  const setup = await shortThenLong(30000, 'endsoon02');
  const { emulators, player, node2 } = setup;
  emulators[1]!.setLatency({ restMs: 150, restReplyMs: 150 });
  // node2's round trip is known (300 ms, smoothed from earlier quick ones): a move takes ~150 ms to get there.
  await Promise.all(Array.from({ length: 8 }, () => node2.version()));
  expect(node2.restLatencyMs).toBeGreaterThanOrEqual(250);
  await player.seek(29_950); // 50 ms left: over before the move arrives
  // The next track started at about 100 ms into it (150 ms ahead, 50 ms of the old).
  await moveStartsNextTrack(setup, 'endsoon02', 1_000);
  expect(player.queue.history.at(-1)?.info.identifier).toBe('endsoon02');
  expect(player.position).toBeLessThan(1_000);
});

it('a track with only its last moments left when the move arrives: the move starts the next track', async () => {
  // Soak seeds 46, 59 and 63: moves that arrived 7 to 71 ms before their track's end started it there;
  // it ended at once, and the next track waited for the end event to come back and its request to go
  // there, on a node 0.5-0.8 s away: a second of silence for a few ms of music.
  const setup = await shortThenLong(30000, 'endsoon03');
  await setup.player.seek(29_960); // 40 ms left, and node2 a few ms away
  await moveStartsNextTrack(setup, 'endsoon03', 500); // the next track from its start
});
