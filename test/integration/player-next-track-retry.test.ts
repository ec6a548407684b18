/**
 * Regression (found by the chaos soak, seeds 11, 12, 13): a track ended, the next one's request hit a
 * 5xx on a node that was otherwise fine, and the player stayed silent for good while believing it
 * played (failover and resume only act when a node's socket drops). The player now retries the
 * start with backoff, then moves to another node. Time is a FakeClock shared with the emulators.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LavafleetError } from '../../src/errors.js';
import { Pool } from '../../src/pool.js';
import type { Track } from '../../src/protocol/track.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { channelId, guildId, TEST_USER_ID } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

interface Setup {
  clock: FakeClock;
  emulators: LavalinkEmulator[];
  pool: Pool;
  connector: TestConnector;
  errors: LavafleetError[];
}

let setup: Setup | undefined;
afterEach(async () => {
  if (!setup) return;
  await setup.pool.close();
  setup.connector.destroy();
  await Promise.all(setup.emulators.map((emulator) => emulator.stop()));
  setup = undefined;
});

async function start(nodes: number): Promise<Setup> {
  const clock = new FakeClock();
  const emulators = Array.from(
    { length: nodes },
    () => new LavalinkEmulator({ password: 'pw', now: () => clock.now() }),
  );
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const connector = new TestConnector({ userId: TEST_USER_ID });
  const pool = new Pool({
    nodes: emulators.map((emulator, i) => ({
      identifier: `node${i + 1}`,
      uri: emulator.url,
      password: 'pw',
    })),
    connector,
    store: false,
    clock,
    waitForAllNodes: true,
  });
  const errors: LavafleetError[] = [];
  pool.on('error', (error) => void errors.push(error));
  await pool.connect();
  return (setup = { clock, emulators, pool, connector, errors });
}

async function track(pool: Pool, title: string): Promise<Track> {
  const result = await pool.load(`emulator:track?title=${title}&length=600000`);
  if (result.loadType !== 'track') throw new Error('catalogue changed');
  return result.data;
}

/** Advances the fake clock in steps, letting real I/O through, until `done` holds. */
async function advanceUntil(s: Setup, done: () => boolean): Promise<void> {
  for (let step = 0; step < 40 && !done(); step++) {
    await s.clock.advanceAsync(250);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(done()).toBe(true);
}

describe("the queue's next track on a node that answers 5xx", () => {
  it('is asked for again until the node takes it', async () => {
    const s = await start(1);
    const [a, b] = [await track(s.pool, 'a'), await track(s.pool, 'b')];
    const player = await s.pool.join({ guildId: guildId(1), channelId: channelId(1), play: a });
    player.queue.add(b);
    const sid = player.node.sessionId!;
    s.emulators[0]!.failNextRequests(2, { route: 'player', status: 500 });
    s.emulators[0]!.finishTrack(sid, player.guildId);

    await advanceUntil(s, () => s.emulators[0]!.player(sid, player.guildId)?.track?.info.title === 'b');
    expect(player.track?.info.title).toBe('b');
    expect(player.node.identifier).toBe('node1');
    expect(s.errors).toEqual([]);
  });

  it('moves the player to another node when the node keeps failing', async () => {
    const s = await start(2);
    const [a, b] = [await track(s.pool, 'a'), await track(s.pool, 'b')];
    const player = await s.pool.join({
      guildId: guildId(2),
      channelId: channelId(2),
      play: a,
      node: 'node1',
    });
    player.queue.add(b);
    const sid = player.node.sessionId!;
    s.emulators[0]!.failNextRequests(100, { route: 'player', status: 503 });
    s.emulators[0]!.finishTrack(sid, player.guildId);

    await advanceUntil(s, () => player.node.identifier === 'node2');
    const sid2 = player.node.sessionId!;
    expect(s.emulators[1]!.player(sid2, player.guildId)?.track?.info.title).toBe('b');
    expect(s.emulators[0]!.player(sid, player.guildId)?.track ?? null).toBeNull();
    expect(player.track?.info.title).toBe('b');
    expect(s.errors.map((error) => error.code)).toEqual(['ERR_REST']); // the last refusal, reported once
  });

  it('stops asking once the player is destroyed', async () => {
    const s = await start(1);
    const [a, b] = [await track(s.pool, 'a'), await track(s.pool, 'b')];
    const player = await s.pool.join({ guildId: guildId(3), channelId: channelId(3), play: a });
    player.queue.add(b);
    const sid = player.node.sessionId!;
    const requests = () => s.emulators[0]!.requestCount('player');
    const before = requests();
    s.emulators[0]!.failNextRequests(100, { route: 'player', status: 500 });
    s.emulators[0]!.finishTrack(sid, player.guildId);
    await advanceUntil(s, () => requests() >= before + 2);
    s.emulators[0]!.resetFaults();
    await player.destroy();
    const after = requests();
    await s.clock.advanceAsync(10_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests()).toBe(after);
    expect(s.emulators[0]!.player(sid, player.guildId)).toBeUndefined();
  });
});
