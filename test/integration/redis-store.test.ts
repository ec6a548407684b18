import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  RedisStore,
  type NodeRedisClientLike,
  type RedisClientLike,
} from '../../src/persistence/redis-store.js';
import { describeStoreContract } from '../unit/persistence/store-contract.js';
import { connectTestRedis, deleteByPrefix } from '../fixtures/redis-connection.js';

const { client, reason } = await connectTestRedis();
const RUN = `lavafleet-test:${randomBytes(6).toString('hex')}:`;
let stores = 0;
const nextPrefix = () => `${RUN}${(stores += 1)}:`;

afterAll(async () => {
  if (!client) return;
  await deleteByPrefix(client, RUN);
  client.disconnect();
});

/**
 * A node-redis-shaped client (sendCommand + multi().addCommand().exec()) over ioredis, recording the
 * transactions it runs: node-redis itself is not installed, and this is the shape RedisStore relies on.
 */
function nodeRedisShaped(io: Redis): NodeRedisClientLike & { transactions: string[][][] } {
  const transactions: string[][][] = [];
  return {
    transactions,
    sendCommand: (args) => io.call(args[0]!, ...args.slice(1)),
    multi() {
      const queued: string[][] = [];
      const multi = {
        addCommand(args: string[]) {
          queued.push(args);
          return multi;
        },
        async exec() {
          transactions.push(queued);
          const replies = await io.multi(queued.map((args) => ['call', ...args])).exec();
          return replies!.map(([error, reply]) => error ?? reply);
        },
      };
      return multi;
    },
  };
}

if (!client) {
  console.warn(`Skipping the RedisStore tests: ${reason}`);
  it.skip(`RedisStore (Redis unreachable: ${reason})`, () => undefined);
} else {
  const redis = client;
  const harness = (make: () => RedisClientLike) => () => {
    const prefix = nextPrefix();
    return {
      create: () => Promise.resolve(new RedisStore({ client: make(), prefix })),
      reopen: async (store: RedisStore | { close(): Promise<void> }) => {
        await store.close();
        return new RedisStore({ client: make(), prefix });
      },
      cleanup: () => deleteByPrefix(redis, prefix),
    };
  };
  describeStoreContract(
    'RedisStore (ioredis)',
    harness(() => redis),
  );
  describeStoreContract(
    'RedisStore (node-redis shape)',
    harness(() => nodeRedisShaped(redis)),
  );

  describe('RedisStore', () => {
    it('stores keys under its prefix and runs a batch as one MULTI', async () => {
      const shaped = nodeRedisShaped(redis);
      const prefix = nextPrefix();
      const store = new RedisStore({ client: shaped, prefix });
      await store.write({
        set: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
        delete: ['c'],
      });
      expect(await redis.get(`${prefix}a`)).toBe('1');
      expect(shaped.transactions).toEqual([
        [
          ['SET', `${prefix}a`, '1'],
          ['SET', `${prefix}b`, '2'],
          ['DEL', `${prefix}c`],
        ],
      ]);
      await store.close();
    });

    it('sets the expiry on every written key when ttlMs is given', async () => {
      const prefix = nextPrefix();
      const store = new RedisStore({ client: redis, prefix, ttlMs: 60_000 });
      await store.set('one', '1');
      await store.write({
        set: [
          { key: 'two', value: '2' },
          { key: 'three', value: '3' },
        ],
      });
      for (const key of ['one', 'two', 'three']) {
        const ttl = await redis.pttl(`${prefix}${key}`);
        expect(ttl).toBeGreaterThan(50_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      expect(await redis.pttl(`${prefix}missing`)).toBe(-2);
      const forever = new RedisStore({ client: redis, prefix });
      await forever.set('kept', '1');
      expect(await redis.pttl(`${prefix}kept`)).toBe(-1);
    });

    it('matches its own prefix literally, glob characters included', async () => {
      const base = nextPrefix();
      const starred = new RedisStore({ client: redis, prefix: `${base}[a]*?\\:` });
      const other = new RedisStore({ client: redis, prefix: `${base}a-anything:` });
      await starred.set('k', 'mine');
      await other.set('k', 'not mine');
      expect(await starred.list('')).toEqual([{ key: 'k', value: 'mine' }]);
    });

    it('lists thousands of keys through several SCAN and MGET rounds', async () => {
      const store = new RedisStore({ client: redis, prefix: nextPrefix() });
      const entries = Array.from({ length: 2500 }, (_, i) => ({
        key: `p/${String(i).padStart(4, '0')}`,
        value: `${i}`,
      }));
      await store.write({ set: entries });
      await store.set('q/0', 'other');
      expect(await store.list('p/')).toEqual(entries);
    });

    it('claims keys for one owner at a time, checking the owner on renew and release', async () => {
      const store = new RedisStore({ client: redis, prefix: nextPrefix() });
      expect(await store.claim('owners/1', 'a', 10_000)).toBe(true);
      expect(await store.claim('owners/1', 'b', 10_000)).toBe(false);
      expect(await store.claim('owners/1', 'a', 10_000)).toBe(true); // its own claim: renewed
      expect(await store.get('owners/1')).toBe('a');
      expect(await store.renew('owners/1', 'b', 10_000)).toBe(false);
      expect(await store.release('owners/1', 'b')).toBe(false);
      expect(await store.get('owners/1')).toBe('a');
      expect(await store.renew('owners/1', 'a', 20_000)).toBe(true);
      expect(await redis.pttl(`${store.prefix}owners/1`)).toBeGreaterThan(10_000);
      expect(await store.release('owners/1', 'a')).toBe(true);
      expect(await store.release('owners/1', 'a')).toBe(false);
      expect(await store.claim('owners/1', 'b', 10_000)).toBe(true);
    });

    it('lets a claim expire after its ttl', async () => {
      const store = new RedisStore({ client: redis, prefix: nextPrefix() });
      expect(await store.claim('owners/2', 'a', 20)).toBe(true);
      await sleep(40);
      expect(await store.renew('owners/2', 'a', 1000)).toBe(false);
      expect(await store.claim('owners/2', 'b', 1000)).toBe(true);
    });

    it('loads its scripts again after SCRIPT FLUSH', async () => {
      const store = new RedisStore({ client: nodeRedisShaped(redis), prefix: nextPrefix() });
      expect(await store.claim('owners/3', 'a', 10_000)).toBe(true);
      await redis.script('FLUSH');
      expect(await store.renew('owners/3', 'a', 10_000)).toBe(true);
      expect(await store.release('owners/3', 'a')).toBe(true);
    });

    it('wraps Redis errors in ERR_STORE, keeping the cause', async () => {
      const store = new RedisStore({ client: redis, prefix: nextPrefix() });
      await redis.lpush(`${store.prefix}list`, 'x');
      const error = await store.get('list').catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        code: 'ERR_STORE',
        message: expect.stringContaining('Redis GET failed') as string,
      });
      expect((error as Error).cause).toBeInstanceOf(Error);
    });

    it('close() waits for commands in flight and leaves the client connected', async () => {
      const store = new RedisStore({ client: redis, prefix: nextPrefix() });
      const write = store.set('a', '1');
      await store.close();
      await write;
      await expect(store.get('a')).rejects.toMatchObject({ code: 'ERR_STORE' });
      expect(await redis.get(`${store.prefix}a`)).toBe('1');
    });

    it('validates its options, naming the option', () => {
      expect(() => new RedisStore({ client: {} as RedisClientLike })).toThrow(/`client`/);
      const cluster = { isCluster: true, call: () => undefined, multi: () => undefined };
      expect(() => new RedisStore({ client: cluster as unknown as RedisClientLike })).toThrow(/`client`/);
      expect(() => new RedisStore({ client: redis, ttlMs: 0 })).toThrow(RangeError);
      expect(() => new RedisStore({ client: redis, prefix: 1 as unknown as string })).toThrow(/`prefix`/);
      const store = new RedisStore({ client: redis });
      expect([store.prefix, store.ttlMs]).toEqual(['lavafleet:', null]);
      return expect(store.claim('k', '', 1000)).rejects.toThrow(/`owner`/);
    });
  });
}
