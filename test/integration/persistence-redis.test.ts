/**
 * Persistence over the real Redis on 127.0.0.1:6379: a restart through a RedisStore, and two bot
 * processes (two Pools, each with its own RedisStore and connector) sharing one Redis and one node.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LavafleetError } from '../../src/errors.js';
import { RedisStore } from '../../src/persistence/redis-store.js';
import type { Pool } from '../../src/pool.js';
import type { PoolOptions } from '../../src/pool/pool-options.js';
import type { LavalinkEmulator } from '../../src/testing/index.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { connectTestRedis, deleteByPrefix } from '../fixtures/redis-connection.js';
import {
  loadTracks,
  persistChannel,
  persistGuild,
  persistentPool,
  startEmulators,
} from '../fixtures/persist-harness.js';

const { client, reason } = await connectTestRedis();
const RUN = `lavafleet-test:${randomBytes(6).toString('hex')}:`;
let runs = 0;

let emulators: LavalinkEmulator[] = [];
const pools: Pool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(emulators.map((emulator) => emulator.stop()));
  emulators = [];
});

afterAll(async () => {
  if (!client) return;
  await deleteByPrefix(client, RUN);
  client.disconnect();
});

const isEven = (guildId: string) => BigInt(guildId) % 2n === 0n;

if (!client) {
  console.warn(`Skipping the persistence tests over Redis: ${reason}`);
  it.skip(`persistence over Redis (Redis unreachable: ${reason})`, () => undefined);
} else {
  const redis = client;

  /** One bot process: a Pool over its own RedisStore on the shared prefix. */
  const startBot = (prefix: string, options: Partial<PoolOptions> = {}) => {
    const errors: LavafleetError[] = [];
    const store = new RedisStore({ client: redis, prefix });
    const { pool, connector } = persistentPool(emulators, store, options);
    pool.on('error', (error) => void errors.push(error));
    pools.push(pool);
    return { pool, connector, store, errors };
  };
  const stopBot = async (pool: Pool) => {
    pools.splice(pools.indexOf(pool), 1);
    await pool.close();
  };
  const joinAll = async (bot: { pool: Pool }, guilds: number[]) => {
    const tracks = await loadTracks(bot.pool, 5);
    for (const i of guilds) {
      await bot.pool.join({
        guildId: persistGuild(i),
        channelId: persistChannel(i),
        node: 'node1',
        play: tracks[i % 5]!,
      });
    }
  };
  const restoredCount = (pool: Pool) => {
    let count = 0;
    pool.on('playersRestored', (event) => void (count += event.count));
    return () => count;
  };

  describe('persistence over Redis', () => {
    it('restores after a restart through a RedisStore', async () => {
      emulators = await startEmulators(1);
      const prefix = `${RUN}${(runs += 1)}:`;
      const first = startBot(prefix);
      await first.pool.connect();
      await waitFor(() => first.pool.getNode('node1')!.canResume === true, { what: 'resuming configured' });
      await joinAll(first, [0, 1, 2, 3]);
      await first.pool.getPlayer(persistGuild(1))!.setVolume(42);
      const session = first.pool.getNode('node1')!.sessionId!;
      await stopBot(first.pool);
      // One key per player, each naming the node session it lives in.
      const keys = await redis.keys(`${prefix}*`);
      expect(keys).toHaveLength(4);
      for (const value of await redis.mget(keys))
        expect(JSON.parse(value!)).toMatchObject({ node: 'node1', sessionId: session });

      const second = startBot(prefix);
      const restored = nextEvent(second.pool, 'playersRestored');
      await second.pool.connect();
      expect(await restored).toMatchObject({ count: 4 });
      expect(second.pool.getNode('node1')!.sessionId).toBe(session);
      expect(second.pool.getPlayer(persistGuild(1))!.volume).toBe(42);
      expect(second.errors).toEqual([]);
    });

    it('two processes over one Redis each restore and resume only what they own', async () => {
      emulators = await startEmulators(1);
      const prefix = `${RUN}${(runs += 1)}:`;
      const even = startBot(prefix, { ownsGuild: isEven });
      const odd = startBot(prefix, { ownsGuild: (guildId) => !isEven(guildId) });
      await Promise.all([even.pool.connect(), odd.pool.connect()]);
      await waitFor(() => [even, odd].every((bot) => bot.pool.getNode('node1')!.canResume === true), {
        what: 'resuming configured',
      });
      await joinAll(even, [0, 2, 4, 6]);
      await joinAll(odd, [1, 3, 5]);
      const sessions = [even, odd].map((bot) => bot.pool.getNode('node1')!.sessionId!);
      await Promise.all([stopBot(even.pool), stopBot(odd.pool)]);
      await waitFor(() => emulators[0]!.sessions().every((session) => session.status === 'paused'), {
        what: 'both sessions paused',
      });
      const requests = emulators[0]!.requestCount('player');

      // Restart both, in the opposite order, at once.
      const odd2 = startBot(prefix, { ownsGuild: (guildId) => !isEven(guildId) });
      const even2 = startBot(prefix, { ownsGuild: isEven });
      const counts = [restoredCount(even2.pool), restoredCount(odd2.pool)];
      await Promise.all([odd2.pool.connect(), even2.pool.connect()]);
      await waitFor(() => counts[0]!() === 4 && counts[1]!() === 3, { what: 'every player restored' });

      expect([...even2.pool.players.keys()].sort()).toEqual([0, 2, 4, 6].map(persistGuild).sort());
      expect([...odd2.pool.players.keys()].sort()).toEqual([1, 3, 5].map(persistGuild).sort());
      // Each resumed its own session: nothing re-created, nobody else's players picked up.
      expect(even2.pool.getNode('node1')!.sessionId).toBe(sessions[0]);
      expect(odd2.pool.getNode('node1')!.sessionId).toBe(sessions[1]);
      expect(emulators[0]!.requestCount('player')).toBe(requests);
      expect(
        emulators[0]!
          .sessions()
          .map((session) => session.playerCount)
          .sort(),
      ).toEqual([3, 4]);
      expect([...even2.errors, ...odd2.errors]).toEqual([]);
    });

    it('clearState() and saves of one process leave the other process’s state alone', async () => {
      emulators = await startEmulators(1);
      const prefix = `${RUN}${(runs += 1)}:`;
      const even = startBot(prefix, { ownsGuild: isEven });
      const odd = startBot(prefix, { ownsGuild: (guildId) => !isEven(guildId) });
      await Promise.all([even.pool.connect(), odd.pool.connect()]);
      await joinAll(even, [0, 2]);
      await joinAll(odd, [1, 3]);
      await Promise.all([even.pool.saveState(), odd.pool.saveState()]);
      const players = async () =>
        (await redis.keys(`${prefix}*players/*`)).map((key) => key.slice(key.lastIndexOf('/') + 1)).sort();
      expect(await players()).toEqual([0, 1, 2, 3].map(persistGuild).sort());

      await even.pool.clearState();
      expect(await players()).toEqual([1, 3].map(persistGuild).sort());
      await odd.pool.getPlayer(persistGuild(1))!.destroy();
      await odd.pool.saveState();
      expect(await players()).toEqual([persistGuild(3)]);
    });
  });
}
