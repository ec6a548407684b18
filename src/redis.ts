/**
 * `lavafleet/redis`: the Redis-backed state store. A separate entry point so that bots without Redis
 * never load it; pass your own ioredis or node-redis client.
 *
 * @module lavafleet/redis
 */
export { DEFAULT_REDIS_STORE_OPTIONS, RedisStore } from './persistence/redis-store.js';
export type {
  IoredisClientLike,
  NodeRedisClientLike,
  RedisClientLike,
  RedisStoreOptions,
} from './persistence/redis-store.js';
