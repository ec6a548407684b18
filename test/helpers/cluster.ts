/** A few emulated nodes and a Pool over them, for integration tests. */
import { afterEach } from 'vitest';
import { LavalinkEmulator, TestConnector } from '../../src/testing/index.js';
import { Pool } from '../../src/pool.js';
import type { NodeOptions } from '../../src/node/node-options.js';
import type { PoolOptions } from '../../src/pool/pool-options.js';
import type { Track } from '../../src/protocol/track.js';
import type { Player } from '../../src/player/player.js';
import type { LavalinkEmulatorOptions } from '../../src/testing/index.js';
import { FakeClock } from './fake-clock.js';

export interface Cluster {
  emulators: LavalinkEmulator[];
  pool: Pool;
  connector: TestConnector;
  close(): Promise<void>;
}

export const TEST_USER_ID = '100000000000000001';

/** Starts `count` emulators and a connected pool over them. */
export async function startCluster(
  count: number,
  {
    pool: poolOptions = {},
    regions = [] as Array<string | null>,
    endpoint,
  }: { pool?: Partial<PoolOptions>; regions?: Array<string | null>; endpoint?: string } = {},
): Promise<Cluster> {
  const emulators = Array.from({ length: count }, () => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((e) => e.start()));
  const connector = new TestConnector({ userId: TEST_USER_ID, ...(endpoint ? { endpoint } : {}) });
  const pool = poolOver(emulators, {
    connector,
    failover: { probeTimeoutMs: 200, resumeWaitMs: 300 },
    node: (i) => ({ region: regions[i] ?? null }),
    ...poolOptions,
  });
  pool.on('error', () => undefined);
  await pool.connect();
  await Promise.all([...pool.nodes.values()].map((node) => node.connect()));
  return {
    emulators,
    pool,
    connector,
    close: () => closeAll(pool, emulators),
  };
}

/**
 * A Pool over `emulators` (not connected): nodes `node1`, `node2`, … with the test defaults (1 s
 * heartbeat and request timeout, quick reconnects) plus `node`'s per-node overrides; a TestConnector
 * and no store unless `pool` says otherwise.
 */
export function poolOver(
  emulators: readonly LavalinkEmulator[],
  {
    node = () => ({}),
    ...pool
  }: Partial<PoolOptions> & { node?: (index: number) => Partial<NodeOptions> } = {},
): Pool {
  return new Pool({
    nodes: emulators.map((e, i) => ({
      identifier: `node${i + 1}`,
      uri: e.url,
      password: e.password,
      heartbeatMs: 1000,
      requestTimeoutMs: 1000,
      reconnect: { baseDelayMs: 10, maxDelayMs: 50 },
      ...node(i),
    })),
    connector: new TestConnector({ userId: TEST_USER_ID }),
    store: false,
    ...pool,
  });
}

/** A guild id for test player `i`. */
export function guildId(i: number): string {
  return String(200000000000000000n + BigInt(i));
}

/** A channel id for test player `i`. */
export function channelId(i: number): string {
  return String(300000000000000000n + BigInt(i));
}

/** Loads a long track from the emulator catalogue. */
export async function longTrack(pool: Pool, name = 'song'): Promise<Track> {
  const result = await pool.load(`ytsearch:${name}`);
  if (result.loadType !== 'search' || !result.data[0]) throw new Error(`no track for ${name}`);
  return result.data[0];
}

/**
 * Starts `count` emulators and connects a {@link poolOver} pool over them (waiting for every node),
 * errors ignored; `close` stops both.
 */
export async function connectedPoolOver(
  count: number,
  options: Parameters<typeof poolOver>[1] = {},
): Promise<{ emulators: LavalinkEmulator[]; pool: Pool; close(): Promise<void> }> {
  const emulators = Array.from({ length: count }, () => new LavalinkEmulator({ password: 'pw' }));
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const pool = poolOver(emulators, { waitForAllNodes: true, ...options });
  pool.on('error', () => undefined);
  await pool.connect();
  return {
    emulators,
    pool,
    close: () => closeAll(pool, emulators),
  };
}

/**
 * For a test file whose tests each start a {@link connectedPoolOver} cluster: returns the function
 * that starts one, and closes every cluster it started after each test.
 */
export function clustersClosedAfterEach(): typeof connectedPoolOver {
  const started: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((close) => close()));
  });
  return async (count, options) => {
    const cluster = await connectedPoolOver(count, options);
    started.push(() => cluster.close());
    return cluster;
  };
}

/** Joins guild `i` on `node` playing a long track; resolves with the player and its track. */
export async function joinPlaying(
  pool: Pool,
  node: string,
  i = 1,
): Promise<{ player: Player; track: Track }> {
  const track = await longTrack(pool);
  const player = await pool.join({ guildId: guildId(i), channelId: channelId(i), node, play: track });
  return { player, track };
}

/**
 * `count` emulators and a connected pool over them sharing one FakeClock, so no real time passes for
 * positions: heartbeats and request timeouts long enough never to fire unless the test advances the
 * clock that far. `close` stops both.
 */
export async function fakeClockPoolOver(
  count: number,
  emulatorOptions: LavalinkEmulatorOptions = {},
): Promise<{ clock: FakeClock; emulators: LavalinkEmulator[]; pool: Pool; close(): Promise<void> }> {
  const clock = new FakeClock();
  const emulators = Array.from(
    { length: count },
    () => new LavalinkEmulator({ password: 'pw', now: () => clock.now(), ...emulatorOptions }),
  );
  await Promise.all(emulators.map((emulator) => emulator.start()));
  const pool = poolOver(emulators, {
    node: () => ({ heartbeatMs: 600_000, requestTimeoutMs: 60_000 }),
    waitForAllNodes: true,
    clock,
  });
  pool.on('error', () => undefined);
  await pool.connect();
  return {
    clock,
    emulators,
    pool,
    close: () => closeAll(pool, emulators),
  };
}

/** Closes the pool, then stops its emulators. */
async function closeAll(pool: Pool, emulators: readonly LavalinkEmulator[]): Promise<void> {
  await pool.close();
  await Promise.all(emulators.map((emulator) => emulator.stop()));
}
