/**
 * RedisStore: the periodic save of 10,000 players of which 1% changed (each value ~1 KB of JSON), as one
 * MULTI/EXEC per save, against the Redis at LAVAFLEET_TEST_REDIS_URL (default 127.0.0.1:6379).
 * Run with `npx tsx bench/redis-store.bench.ts`; prints the median, p95 and max time of one save.
 */
import { randomBytes } from 'node:crypto';
import { RedisStore } from '../src/redis.js';
import { connectTestRedis, deleteByPrefix } from '../test/fixtures/redis-connection.js';
import { playerKey, playerValue, summarize } from './store-bench-data.js';

const PLAYERS = 10_000;
const CHANGED = PLAYERS / 100;
const INTERVALS = 200;

const { client, reason } = await connectTestRedis();
if (!client) {
  console.log(`Skipped: ${reason}`);
  process.exit(0);
}
const prefix = `lavafleet-bench:${randomBytes(6).toString('hex')}:`;
const store = new RedisStore({ client, prefix });
try {
  await store.write({
    set: Array.from({ length: PLAYERS }, (_, i) => ({ key: playerKey(i), value: playerValue(i, 0) })),
  });
  const timings: number[] = [];
  for (let round = 1; round <= INTERVALS; round += 1) {
    const set = Array.from({ length: CHANGED }, () => {
      const i = Math.floor(Math.random() * PLAYERS);
      return { key: playerKey(i), value: playerValue(i, round) };
    });
    const started = performance.now();
    await store.write({ set });
    timings.push(performance.now() - started);
  }
  console.log(`RedisStore, ${PLAYERS} players, ${CHANGED} changed per save, ${INTERVALS} saves:`);
  console.log(summarize(timings));
  const listed = performance.now();
  const count = (await store.list('bot/')).length;
  console.log(`list of ${count} players (SCAN + MGET): ${(performance.now() - listed).toFixed(1)} ms`);
} finally {
  await store.close();
  await deleteByPrefix(client, prefix);
  client.disconnect();
}
