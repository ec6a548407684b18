/**
 * Two shards of one bot sharing player state in Redis. Each shard runs its own Pool over a
 * `RedisStore` with the same prefix, and `ownsGuild` tells each pool which guilds are its own: it saves
 * and restores only those, so a shard that restarts picks up its players and never touches the
 * other shard's.
 *
 * In production each shard is its own process (or container) with the same code and its own
 * SHARD_ID. Here both run in one process, against one emulated Lavalink, so the example runs
 * anywhere a Redis is reachable:
 *
 *   npx tsx examples/redis-shards.ts                          # Redis on 127.0.0.1:6379
 *   REDIS_URL=redis://my-redis:6379 npx tsx examples/redis-shards.ts
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Pool } from 'lavafleet';
import type { NodeOptions } from 'lavafleet';
import { RedisStore } from 'lavafleet/redis';
import { LavalinkEmulator, TestConnector } from 'lavafleet/testing';

const SHARD_COUNT = 2;

/** Discord's shard formula: `(guild_id >> 22) % shard_count`. */
function shardOf(guildId: string): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(SHARD_COUNT));
}

interface Shard {
  pool: Pool;
  store: RedisStore;
}

/** One shard: a Pool over its own RedisStore on the shared Redis and prefix, owning its shard's guilds. */
function startShard(shardId: number, redis: Redis, prefix: string, nodes: NodeOptions[]): Shard {
  // The pool never closes a store it was given: the shard closes it after the pool.
  const store = new RedisStore({ client: redis, prefix });
  const pool = new Pool({
    nodes,
    connector: new TestConnector(), // in a bot: connectors.discordJs(client) for this shard's client
    store,
    ownsGuild: (guildId) => shardOf(guildId) === shardId,
  });
  pool.on('error', (error) => console.warn(`shard ${shardId}: ${error.code} ${error.message}`));
  return { pool, store };
}

async function stopShard({ pool, store }: Shard): Promise<void> {
  await pool.close(); // saves every player of this shard
  await store.close();
}

/** Connects and resolves with the number of players restored from the store. */
async function connectAndRestore(pool: Pool, timeoutMs = 5_000): Promise<number> {
  const restored = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing restored in ${timeoutMs} ms`)), timeoutMs);
    const off = pool.on('playersRestored', ({ count }) => {
      clearTimeout(timer);
      off();
      resolve(count);
    });
  });
  await pool.connect();
  return restored;
}

async function main(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  // A fresh prefix per run, so the example never mixes with (or deletes) anything else in Redis.
  const prefix = `lavafleet-example:${randomBytes(4).toString('hex')}:`;
  const lavalink = new LavalinkEmulator();
  await lavalink.start();
  const nodes = [{ identifier: 'main', uri: lavalink.url, password: lavalink.password }];

  // Guild ids whose shard is known: 2^22 apart, so they alternate between shard 0 and shard 1.
  const guilds = Array.from({ length: 6 }, (_, i) => String((250_000_000_000n + BigInt(i)) << 22n));
  const shards = [0, 1].map((shardId) => startShard(shardId, redis, prefix, nodes));
  await Promise.all(shards.map(({ pool }) => pool.connect()));
  for (const guildId of guilds) {
    const { pool } = shards[shardOf(guildId)]!;
    await pool.join({ guildId, channelId: String(BigInt(guildId) + 1n), play: `ytsearch:${guildId}` });
  }
  const [shard0, shard1] = shards as [Shard, Shard];
  console.log(`shard 0 plays ${shard0.pool.players.size} guilds, shard 1 plays ${shard1.pool.players.size}`);

  // Shard 1 restarts for a deploy: closing saves its players (after a crash, the last periodic save
  // is used). Lavalink keeps playing them meanwhile.
  await stopShard(shard1);
  const inspector = new RedisStore({ client: redis, prefix });
  const saved = await inspector.list('');
  console.log(`Redis holds ${saved.length} saved players under ${prefix} (shard 0 saves every 5 s)`);

  const restarted = startShard(1, redis, prefix, nodes);
  const restored = await connectAndRestore(restarted.pool);
  console.log(
    `shard 1 restarted and restored ${restored} players: ${[...restarted.pool.players.keys()].join(', ')}`,
  );
  console.log(`shard 0 still plays its ${shard0.pool.players.size} guilds, untouched`);

  await Promise.all([stopShard(shard0), stopShard(restarted)]);
  const leftovers = await inspector.list('');
  await inspector.write({ delete: leftovers.map((entry) => entry.key) });
  await inspector.close();
  redis.disconnect();
  await lavalink.stop();
  const expected = guilds.filter((guildId) => shardOf(guildId) === 1).length;
  if (restored !== expected) throw new Error(`shard 1 restored ${restored} players, expected ${expected}`);
}

await main();
