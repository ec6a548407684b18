/**
 * A player moved off a node leaves no copy there when that node is up in the same session by the
 * time the move lands: the node came back while the move waited (found by the soak, seed 49: two
 * guilds played on two servers), or the move was a drain.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import type { Pool } from '../../src/pool.js';
import type { PoolOptions } from '../../src/pool/pool-options.js';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { TEST_USER_ID, channelId, guildId, longTrack, poolOver } from '../helpers/cluster.js';
import { nextEvent, waitFor } from '../helpers/events.js';

let emulators: LavalinkEmulator[] = [];
const pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(emulators.map((e) => e.stop()));
  emulators = [];
});

async function startEmulators(count: number): Promise<LavalinkEmulator[]> {
  emulators = Array.from({ length: count }, () => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((e) => e.start()));
  return emulators;
}

function bot(options: Partial<PoolOptions>): Pool {
  const pool = poolOver(emulators, { waitForAllNodes: true, ...options });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

it('a restored player moving off a node that resumes meanwhile leaves no copy in the resumed session', async () => {
  const [emulator1, emulator2] = await startEmulators(2);
  const store = new MemoryStore();
  const first = bot({ store });
  await first.connect();
  await waitFor(() => first.getNode('node1')!.canResume === true, { what: 'resume configured' });
  const track = await longTrack(first);
  await first.join({ guildId: guildId(1), channelId: channelId(1), node: 'node1', play: track });
  const session = first.getNode('node1')!.sessionId!;
  await first.close();
  await waitFor(() => emulator1!.sessions().every((s) => s.status === 'paused'), { what: 'paused' });

  // The next bot: node1 refuses its first handshakes but lives, so after the (short) resume wait the
  // restored player moves, and Discord takes 400 ms to give it a new voice session. node1 resumes
  // during that wait; the move then lands on node2.
  emulator1!.rejectHandshake(503, 2);
  const second = bot({
    store,
    failover: { probeTimeoutMs: 200, resumeWaitMs: 10 },
    connector: new TestConnector({ userId: TEST_USER_ID, delayMs: 400 }),
    waitForAllNodes: false,
  });
  const moved = nextEvent(second, 'playerMoved', { timeoutMs: 5_000 });
  const resumed = nextEvent(second, 'nodeResumed', {
    timeoutMs: 5_000,
    filter: ({ node }) => node === 'node1',
  });
  void second.connect().catch(() => undefined);
  const resumedEvent = await resumed;
  expect(resumedEvent.sessionId).toBe(session);
  const { to } = await moved;
  expect(to.identifier).toBe('node2');
  expect(emulator2!.player(to.sessionId!, guildId(1))?.track?.info.identifier).toBe(track.info.identifier);
  await waitFor(() => emulator1!.player(session, guildId(1)) === undefined, {
    what: 'the copy in the resumed session deleted',
    timeoutMs: 3_000,
  });
  expect(second.getPlayer(guildId(1))!.node.identifier).toBe('node2');
});

it('a drained node keeps no copy of the players moved off it', async () => {
  const [emulator1, emulator2] = await startEmulators(2);
  const pool = bot({});
  await pool.connect();
  const track = await longTrack(pool);
  for (let i = 0; i < 10; i += 1)
    await pool.join({ guildId: guildId(i), channelId: channelId(i), node: 'node1', play: track });
  const session = pool.getNode('node1')!.sessionId!;
  await pool.removeNode('node1');
  const node2 = pool.getNode('node2')!;
  expect(emulator2!.players(node2.sessionId!)).toHaveLength(10);
  // Closed with resuming on, node1's session lives on paused: it must hold nothing that plays.
  expect(emulator1!.players(session)).toEqual([]);
});
