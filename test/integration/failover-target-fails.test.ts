/**
 * Moves aimed at a node that freezes during a failover. Found by the chaos soak, seed 10:
 * - a move to a node that froze hung for the whole request timeout, holding its slot, so the players
 *   behind it were back only after 2 s. A move now ends as soon as its target leaves `connected`
 *   (its heartbeat finds the freeze) and goes to the next node;
 * - before the heartbeat notices, the hung moves soon held every slot, and the players bound for the
 *   node that answered waited (950 of 1000 parked). A target with moves outstanding and no answer for
 *   100 ms (250 then) is now avoided while another node can take the players, and the moves hanging
 *   on it stop holding slots;
 * - those moves still hung until the heartbeat noticed (seeds 41 and 46). After twice that silence
 *   they are now given up and go to the next node (stalled-moves.ts).
 */
import { afterEach, expect, it } from 'vitest';
import type { Player } from '../../src/player/player.js';
import type { Pool } from '../../src/pool.js';
import { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';
import { FAKE_CLOCK_START_MS, FakeClock } from '../helpers/fake-clock.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** Three nodes, `count` players on node1; failovers run 10 moves at once at least. */
async function cluster(
  count: number,
  heartbeatMs: number,
  maxConcurrency: number,
  {
    clock,
    timeoutsMs = { probe: 100, request: 10_000 },
  }: { clock?: FakeClock; timeoutsMs?: { probe: number; request: number } } = {},
): Promise<{ emulators: LavalinkEmulator[]; pool: Pool; players: Player[] }> {
  const emulators = [0, 1, 2].map(() => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const pool = poolOver(emulators, {
    node: () => ({ heartbeatMs, requestTimeoutMs: timeoutsMs.request }),
    waitForAllNodes: true,
    failover: { probeTimeoutMs: timeoutsMs.probe, resumeWaitMs: 20, concurrency: 10, maxConcurrency },
    ...(clock ? { clock } : {}),
  });
  pool.on('error', () => undefined);
  stop = async () => {
    await pool.close();
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  };
  await pool.connect();
  const track = await longTrack(pool);
  const players = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      pool.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track }),
    ),
  );
  return { emulators, pool, players };
}

/** {@link cluster} on a fake clock, with probes and requests that never time out on their own. */
async function fakeClockCluster(count: number, heartbeatMs: number) {
  const clock = new FakeClock();
  const built = await cluster(count, heartbeatMs, 1_000, {
    clock,
    timeoutsMs: { probe: 60_000, request: 60_000 },
  });
  return { clock, ...built, node2: built.pool.getNode('node2')!, node3: built.pool.getNode('node3')! };
}

/** Freezes node2, kills node1 and resolves with the failover's end; some moves were aimed at node2. */
async function failoverWithNode2Frozen(emulators: LavalinkEmulator[], pool: Pool) {
  const end = nextEvent(pool, 'failoverEnd', { timeoutMs: 15_000 });
  emulators[1]!.freeze();
  await emulators[0]!.kill();
  const result = await end;
  expect(emulators[1]!.requestCount('player')).toBeGreaterThan(0);
  return result;
}

it('moves aimed at a node that freezes go to the next node once its heartbeat finds it', async () => {
  const { emulators, pool, players } = await cluster(40, 100, 10);
  const [node2, node3] = [pool.getNode('node2')!, pool.getNode('node3')!];
  const { moved, parked, durationMs } = await failoverWithNode2Frozen(emulators, pool);
  expect(moved).toBe(40);
  expect(parked).toBe(0);
  expect(durationMs).toBeLessThan(3_000); // not the 10 s request timeout
  for (const player of players) expect(player.node).toBe(node3);
  expect(node2.isReady).toBe(false);
});

it('moves go on to the node that answers while another target hangs unnoticed', async () => {
  // The heartbeat finds the freeze only after a second or more: the failover is over by then.
  const { emulators, pool, players } = await cluster(60, 1_500, 100);
  const node3 = pool.getNode('node3')!;
  const started = nextEvent(pool, 'failoverStart', { timeoutMs: 5_000 });
  const end = nextEvent(pool, 'failoverEnd', { timeoutMs: 15_000 });
  emulators[1]!.freeze();
  await emulators[0]!.kill();
  await started;
  const startedAt = Date.now();
  // Every player not hung on node2 is on node3 well before the heartbeat notices node2.
  await waitFor(() => players.filter((player) => player.node === node3).length >= 50, {
    what: 'the players not hung on node2 moved to node3',
    timeoutMs: 5_000,
  });
  expect(Date.now() - startedAt).toBeLessThan(1_000);
  expect(emulators[1]!.requestCount('player')).toBeGreaterThan(0); // some moves were aimed at node2
  expect(emulators[1]!.requestCount('player')).toBeLessThanOrEqual(10); // not more than one slot's worth
  // The hung ones follow, given up after 0.5 s.
  const { moved, parked } = await end;
  expect(moved).toBe(60);
  expect(parked).toBe(0);
  for (const player of players) expect(player.node).toBe(node3);
});

it('gives up the moves hanging on a node that froze and sends them to the next node, before its heartbeat notices', async () => {
  // Found by the chaos soak (seeds 41 and 46): the moves sent to a node that froze right after the
  // failover chose it hung until its heartbeat gave up on it, and their players were back 2.1-2.6 s
  // after their own node failed. Here the heartbeat would take 10 s, and so would the request timeout.
  const { emulators, pool, players } = await cluster(40, 10_000, 10);
  const [node2, node3] = [pool.getNode('node2')!, pool.getNode('node3')!];
  const { moved, parked, durationMs } = await failoverWithNode2Frozen(emulators, pool);
  expect(moved).toBe(40);
  expect(parked).toBe(0);
  expect(durationMs).toBeLessThan(1_500);
  for (const player of players) expect(player.node).toBe(node3);
  expect(node2.isReady).toBe(true); // its heartbeat has not noticed: the moves were given up
});

it('gives up the moves to a stalled target at once when its heartbeat ping is overdue as well', async () => {
  // Silent over REST and over the socket: frozen, not far away. Fake clock: the stall threshold
  // is 100 ms, and the moves are given up well before twice what it was (250 ms).
  const { clock, emulators, players, node2, node3 } = await fakeClockCluster(20, 300);
  await waitFor(() => node2.awaitingPongMs === null && node3.awaitingPongMs === null, { what: 'pongs' });
  emulators[1]!.freeze();
  await emulators[0]!.kill();
  await waitFor(() => emulators[1]!.requestCount('player') > 0, { what: 'moves aimed at node2' });
  await clock.advanceAsync(300); // the next ping: node3 answers it, node2 does not
  await waitFor(() => node3.awaitingPongMs === null, { what: "node3's pong" });
  await clock.advanceAsync(150); // node2's pong overdue, and its moves stalled for 450 ms
  await waitFor(() => players.every((player) => player.node === node3), {
    what: 'every player on node3',
  });
  expect(clock.now() - FAKE_CLOCK_START_MS).toBeLessThan(500);
});

it('gives up the moves to a target heard from only just after they went silent, as one that froze', async () => {
  // Found by the chaos soak (seed 46): a frame read just after the last answer of a node that froze
  // next had left it before the freeze, and was taken for a sign of life: its moves waited 0.55 s
  // instead of 0.2 s. Fake clock; node2's REST never answers here, its socket sends one frame.
  const { clock, emulators, players, node2, node3 } = await fakeClockCluster(20, 10_000);
  emulators[1]!.setLatency({ restMs: 60_000 });
  await emulators[0]!.kill();
  // The first moves: those to node3 landed, those to node2 hang, the last one waits for a slot.
  await waitFor(
    () =>
      emulators[1]!.pendingRequests().length > 0 &&
      players.filter((player) => player.node === node3).length === emulators[2]!.requestCount('player'),
    { what: 'the moves to node3 landed, the rest pending on node2' },
  );
  const silentSince = clock.now();
  await clock.advanceAsync(10);
  emulators[1]!.sendStats();
  await waitFor(() => node2.heardAt === clock.now(), { what: "node2's frame" });
  await clock.advanceAsync(250); // more than twice the stall threshold (100 ms), not four times
  await waitFor(() => players.every((player) => player.node === node3), { what: 'every player on node3' });
  expect(clock.now() - silentSince).toBeLessThan(400);
});

it('judges a target silent only up to when the bot last read its answers, not for the bot’s own lag', async () => {
  // Found by the restore bench (10,000 players, both sessions lost): a bot busy for a while has its
  // timers fire before the answers that came meanwhile are read, and took its own lag for the
  // targets' silence: moves counted as hung, the limit overrun, moves given up and sent again.
  // Fake clock: node3's answers are written while the bot is "busy" 250 ms (more than twice the
  // stall threshold); the check that fires first must read them before it judges node3.
  const { clock, emulators, pool, players, node3 } = await fakeClockCluster(20, 10_000);
  const node2 = pool.getNode('node2')!;
  const end = nextEvent(pool, 'failoverEnd', { timeoutMs: 5_000 });
  emulators[2]!.freeze();
  await emulators[0]!.kill();
  const hung = (): number => emulators[2]!.pendingRequests().length;
  await waitFor(() => hung() > 0 && players.filter((p) => p.node === node2).length + hung() === 20, {
    what: 'the moves landed on node2, the rest hung on node3',
  });
  const onNode3 = hung();
  await new Promise((resolve) => setTimeout(resolve, 0)); // in the timers phase: the answers are read next
  emulators[2]!.unfreeze(); // node3 answers...
  clock.advance(250); // ...while the bot is busy: its check timer fires before it reads them
  const { moved, parked } = await end;
  expect([moved, parked]).toEqual([20, 0]);
  expect(pool.metrics().movesFailed).toBe(0); // none given up
  expect(players.filter((p) => p.node === node3)).toHaveLength(onNode3);
  expect(emulators[1]!.sessions()[0]!.playerCount).toBe(20 - onNode3); // and no copy sent to node2
});

/**
 * 30 players on node1, which is killed; node2's REST never answers (fake clock: it is far away),
 * node3 is frozen. Once the first moves hang on both, node2 sends a frame `heardAfterMs` later.
 */
async function frozenAndFarAway(heardAfterMs: number) {
  const { clock, emulators, pool, node2 } = await fakeClockCluster(30, 10_000);
  emulators[1]!.setLatency({ restMs: 60_000 });
  emulators[2]!.freeze();
  await emulators[0]!.kill();
  const pending = (index: number): number => emulators[index]!.pendingRequests().length;
  await waitFor(() => pending(1) + pending(2) === 10, { what: 'the first moves, hung on node2 and node3' });
  const onNode3 = pending(2);
  expect(onNode3).toBeGreaterThan(0); // by penalty alone, the first moves went to both
  await clock.advanceAsync(heardAfterMs);
  emulators[1]!.sendStats(); // node2 is heard from; node3 is not
  await waitFor(() => node2.heardAt === clock.now(), { what: "node2's frame" });
  return { clock, pool, pending, onNode3 };
}

it('when every target is stalled, sends the moves to the one heard from last', async () => {
  // Found by the chaos soak (seed 46): one target had frozen, the other had gone 0.7 s away and its
  // frames kept coming. Both stalled, the moves went by penalty alone, and half of them (271) hung on
  // the frozen one.
  const { clock, pending, onNode3 } = await frozenAndFarAway(10);
  await clock.advanceAsync(150); // both stalled: the other moves go out
  await waitFor(() => pending(1) + pending(2) === 30, { what: 'the other moves' });
  expect(pending(2)).toBe(onNode3); // none more to the node that froze
});

it('gives up the moves to a frozen target for a stalled one heard from since they went silent', async () => {
  // Found by the chaos soak (seed 46): with the other node stalled too (0.7 s away), the moves hung
  // on a node that froze were given up only once the other answered a move, 0.44 s after the freeze.
  const { clock, pool, pending, onNode3 } = await frozenAndFarAway(60); // well after: half its threshold
  await clock.advanceAsync(250); // node3 silent for more than twice its stall threshold (100 ms)
  await waitFor(() => pending(1) === 30, { what: "node3's moves given up and sent to node2" });
  expect(pool.metrics().movesFailed).toBe(onNode3);
});

it('waits for the moves to a target whose REST is slow while its socket answers, instead of giving them up', async () => {
  // Found by the chaos soak (seed 46): moves to a node answering 0.7 s late were given up after
  // 0.5 s and sent to a node that froze a moment later; they came back to the first one 1 s later
  // than they would have landed there. Its pongs said it was alive all along.
  const { emulators, pool, players } = await cluster(20, 100, 10);
  const [node2, node3] = [pool.getNode('node2')!, pool.getNode('node3')!];
  emulators[1]!.setLatency({ restMs: 700 }); // REST only: pongs and frames on time
  const end = nextEvent(pool, 'failoverEnd', { timeoutMs: 15_000 });
  await emulators[0]!.kill();
  const { moved, parked } = await end;
  expect(moved).toBe(20);
  expect(parked).toBe(0);
  expect(emulators[1]!.requestCount('player')).toBeGreaterThan(0); // some moves were aimed at node2
  expect(pool.metrics().movesFailed).toBe(0); // none given up
  const onNode2 = players.filter((player) => player.node === node2).length;
  expect(onNode2).toBeGreaterThan(0);
  expect(onNode2 + players.filter((player) => player.node === node3).length).toBe(20);
  // No copy left behind: node2 plays exactly the players the pool has there.
  expect(emulators[1]!.sessions()[0]!.playerCount).toBe(onNode2);
});

it('takes a move given up on a slow target back there when the next node fails it, instead of parking the player', async () => {
  // Found by the chaos soak (seed 46): moves given up on a node that had just gone 0.7 s away (its
  // socket as late as its REST: it looked frozen) were sent to a node that froze next; given up there
  // too, they had no node left to try and were parked until the failover ended: 2.3 s of silence.
  const { emulators, pool, players } = await cluster(20, 10_000, 100);
  const [node2, node3] = [pool.getNode('node2')!, pool.getNode('node3')!];
  emulators[1]!.setLatency({ restMs: 800, wsMs: 800 });
  const end = nextEvent(pool, 'failoverEnd', { timeoutMs: 15_000 });
  await emulators[0]!.kill();
  // Moves hang on node2; node3 fails every move from now on (one in flight there may go to node2 too).
  await waitFor(() => emulators[1]!.pendingRequests().length > 0, { what: 'moves pending on node2' });
  const hung = emulators[1]!.pendingRequests().length;
  emulators[2]!.failNextRequests(1_000, { route: 'player', status: 500 });
  const { moved, parked } = await end;
  expect(pool.metrics().movesFailed).toBeGreaterThan(hung); // given up on node2, and failed on node3
  expect(parked).toBe(0);
  expect(moved).toBe(20);
  const onNode2 = players.filter((player) => player.node === node2).length;
  expect(onNode2).toBeGreaterThanOrEqual(hung);
  expect(onNode2 + players.filter((player) => player.node === node3).length).toBe(20);
  expect(emulators[1]!.sessions()[0]!.playerCount).toBe(onNode2); // no copy: the same guilds' players
});
