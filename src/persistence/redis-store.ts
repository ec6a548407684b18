/**
 * A {@link StateStore} in Redis, for bots that run on several machines or containers without a
 * persistent disk, plus an owner-checked claim on keys so that processes can split guilds between them.
 * Works with an ioredis (v5) client or a node-redis (v4+) client: both are only ever used through the
 * few methods in {@link IoredisClientLike} and {@link NodeRedisClientLike}, so neither package is a
 * dependency. The client stays the caller's: `close()` does not disconnect it.
 */
import { createHash } from 'node:crypto';
import { LavafleetError, invalidOption } from '../errors.js';
import { requireNumber, requireObject, requireString } from '../util/validate.js';
import {
  STORE_ERROR_CODE,
  assertKey,
  compareEntries,
  storeClosedError,
  toOperations,
  type StateStore,
  type StoreEntry,
} from './state-store.js';

/** The methods of an ioredis (v5) `Redis` client that RedisStore calls. */
export interface IoredisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>;
  multi(commands: string[][]): { exec(): Promise<Array<[Error | null, unknown]> | null> };
}

/** The methods of a node-redis (v4+) client, as returned by `createClient()`, that RedisStore calls. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
  multi(): { addCommand(args: string[]): unknown; exec(): Promise<unknown> };
}

/** A Redis client RedisStore can use: one connection to a single Redis (Cluster is not supported). */
export type RedisClientLike = IoredisClientLike | NodeRedisClientLike;

/** Options of a {@link RedisStore}. */
export interface RedisStoreOptions {
  /** A connected ioredis or node-redis client; it is shared, never closed by the store. */
  client: RedisClientLike;
  /**
   * Put before every key, so one Redis can hold several bots or other data.
   * @defaultValue 'lavafleet:'
   */
  prefix?: string | undefined;
  /**
   * Expiry set on every key the store writes, or null for none: state nobody saves for this long is
   * dropped by Redis itself.
   * @defaultValue null
   */
  ttlMs?: number | null | undefined;
}

/** Defaults of the optional {@link RedisStoreOptions}. */
export const DEFAULT_REDIS_STORE_OPTIONS = Object.freeze({ prefix: 'lavafleet:', ttlMs: null });

/** One command, and a list of commands run as one MULTI/EXEC: what each client library is turned into. */
interface Commands {
  run(args: string[]): Promise<unknown>;
  transaction(commands: string[][]): Promise<unknown[]>;
}

const SCAN_COUNT = '1000';
const MGET_CHUNK = 1000;
// Owner-checked scripts: only the process whose id is stored in the key may extend or drop it.
const RENEW_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
const RELEASE_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * A {@link StateStore} backed by Redis: `write()` is one MULTI/EXEC, `list()` walks SCAN (never KEYS).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { RedisStore } from 'lavafleet/redis';
 *
 * const store = new RedisStore({ client: new Redis(process.env.REDIS_URL!), prefix: 'mybot:' });
 * if (await store.claim('owners/guild/123', `shard-${shardId}`, 30_000)) {
 *   // this process plays for guild 123; renew() the claim before 30 s pass
 * }
 * ```
 */
export class RedisStore implements StateStore {
  /** What every key is prefixed with. */
  readonly prefix: string;
  /** Expiry of every written key, or null. */
  readonly ttlMs: number | null;
  readonly #commands: Commands;
  readonly #inFlight = new Set<Promise<unknown>>();
  #isClosed = false;

  constructor(options: RedisStoreOptions) {
    requireObject('RedisStore options', options);
    this.#commands = toCommands(options.client);
    this.prefix = requireString('prefix', options.prefix ?? DEFAULT_REDIS_STORE_OPTIONS.prefix, {
      allowEmpty: true,
    });
    const ttlMs = options.ttlMs ?? DEFAULT_REDIS_STORE_OPTIONS.ttlMs;
    this.ttlMs = ttlMs === null ? null : requireNumber('ttlMs', ttlMs, { min: 1, integer: true });
  }

  /** The value of `key`, or null. */
  get(key: string): Promise<string | null> {
    return this.#track(async () => {
      assertKey(key);
      return asString(await this.#run(['GET', this.prefix + key]));
    });
  }

  /** Sets one key (with the store's expiry). */
  set(key: string, value: string): Promise<void> {
    return this.write({ set: [{ key, value }] });
  }

  /** Deletes one key (no error when absent). */
  delete(key: string): Promise<void> {
    return this.write({ delete: [key] });
  }

  /** Every entry whose key starts with `prefix`, sorted by key. Not a snapshot: it walks SCAN. */
  list(prefix: string): Promise<StoreEntry[]> {
    return this.#track(async () => {
      assertKey(prefix);
      const keys = await this.#scan(`${escapeGlob(this.prefix + prefix)}*`);
      const chunks: string[][] = [];
      for (let start = 0; start < keys.length; start += MGET_CHUNK)
        chunks.push(keys.slice(start, start + MGET_CHUNK));
      const values = await Promise.all(chunks.map((chunk) => this.#run(['MGET', ...chunk])));
      const found: StoreEntry[] = [];
      chunks.forEach((chunk, i) => {
        const replies = Array.isArray(values[i]) ? (values[i] as unknown[]) : [];
        chunk.forEach((fullKey, j) => {
          const value = asString(replies[j]);
          // null: the key expired or was deleted between SCAN and MGET.
          if (value !== null) found.push({ key: fullKey.slice(this.prefix.length), value });
        });
      });
      return found.sort(compareEntries);
    });
  }

  /** Applies the batch as one MULTI/EXEC: Redis runs all of it or none. */
  write(batch: { set?: StoreEntry[]; delete?: string[] }): Promise<void> {
    return this.#track(async () => {
      const commands = toOperations(batch).map(([key, value]) => {
        if (value === null) return ['DEL', this.prefix + key];
        const command = ['SET', this.prefix + key, value];
        if (this.ttlMs !== null) command.push('PX', String(this.ttlMs));
        return command;
      });
      if (commands.length === 1) await this.#run(commands[0]!);
      else if (commands.length > 1) await this.#wrap('MULTI', this.#commands.transaction(commands));
    });
  }

  /**
   * Takes `key` for `owner` for `ttlMs` if nobody holds it (SET NX PX). Returns true when `owner` holds
   * it afterwards, also when it already did (then its expiry is renewed).
   */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#track(async () => {
      const args = claimArgs(key, owner, ttlMs);
      const reply = await this.#run(['SET', this.prefix + key, owner, 'NX', 'PX', args.ttl]);
      if (asString(reply) === 'OK') return true;
      return (await this.#script(RENEW_SCRIPT, this.prefix + key, [owner, args.ttl])) === 1;
    });
  }

  /** Extends `owner`'s claim on `key` to `ttlMs` from now; false when `owner` does not hold it. */
  renew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#track(async () => {
      const args = claimArgs(key, owner, ttlMs);
      return (await this.#script(RENEW_SCRIPT, this.prefix + key, [owner, args.ttl])) === 1;
    });
  }

  /** Drops `owner`'s claim on `key`; false (and nothing deleted) when someone else holds it. */
  release(key: string, owner: string): Promise<boolean> {
    return this.#track(async () => {
      claimArgs(key, owner, 1);
      return (await this.#script(RELEASE_SCRIPT, this.prefix + key, [owner])) === 1;
    });
  }

  /** Waits for the store's commands in flight; later calls reject. The client stays connected. */
  async close(): Promise<void> {
    this.#isClosed = true;
    await Promise.allSettled([...this.#inFlight]);
  }

  #track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#isClosed) return Promise.reject(storeClosedError('RedisStore'));
    const promise = operation();
    this.#inFlight.add(promise);
    const forget = () => void this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async #scan(pattern: string): Promise<string[]> {
    const keys = new Set<string>(); // SCAN may return a key more than once
    let cursor = '0';
    do {
      const reply = await this.#run(['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT]);
      if (!Array.isArray(reply) || !Array.isArray(reply[1])) throw unexpectedReply('SCAN', reply);
      cursor = String(asString(reply[0]));
      for (const key of reply[1] as unknown[]) keys.add(String(asString(key)));
    } while (cursor !== '0');
    return [...keys];
  }

  async #script(script: string, key: string, args: string[]): Promise<unknown> {
    const sha = createHash('sha1').update(script).digest('hex');
    try {
      return await this.#commands.run(['EVALSHA', sha, '1', key, ...args]);
    } catch (error) {
      // First use on this Redis (or after SCRIPT FLUSH): send the script itself, which also caches it.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT'))
        throw redisError('EVALSHA', error);
      return this.#run(['EVAL', script, '1', key, ...args]);
    }
  }

  #run(args: string[]): Promise<unknown> {
    return this.#wrap(args[0] ?? '', this.#commands.run(args));
  }

  async #wrap<T>(command: string, promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      throw redisError(command, error);
    }
  }
}

/** Turns an ioredis or node-redis client into {@link Commands}; throws a TypeError for anything else. */
function toCommands(client: unknown): Commands {
  const candidate = client as Partial<Record<string, unknown>> | null;
  if (typeof candidate?.multi === 'function' && (candidate as { isCluster?: unknown }).isCluster !== true) {
    if (typeof candidate.call === 'function') {
      const ioredis = client as IoredisClientLike;
      return {
        run: (args) => ioredis.call(args[0] ?? '', ...args.slice(1)),
        transaction: async (commands) => {
          // ioredis runs each row as `pipeline[row[0]](...rest)`; its generic `call` takes any command.
          const replies = await ioredis.multi(commands.map((command) => ['call', ...command])).exec();
          if (replies === null) throw new Error('the transaction was aborted');
          for (const [error] of replies) if (error) throw error;
          return replies.map(([, reply]) => reply);
        },
      };
    }
    if (typeof candidate.sendCommand === 'function') {
      const nodeRedis = client as NodeRedisClientLike;
      return {
        run: (args) => nodeRedis.sendCommand(args),
        transaction: async (commands) => {
          const multi = nodeRedis.multi();
          for (const command of commands) multi.addCommand(command);
          const replies = await multi.exec();
          if (!Array.isArray(replies)) throw new Error('the transaction was aborted');
          for (const reply of replies) if (reply instanceof Error) throw reply;
          return replies as unknown[];
        },
      };
    }
  }
  throw invalidOption(
    'type',
    'client',
    'an ioredis or node-redis (v4+) client connected to one Redis',
    client,
  );
}

function claimArgs(key: string, owner: string, ttlMs: number): { ttl: string } {
  assertKey(key);
  requireString('owner', owner);
  return { ttl: String(requireNumber('ttlMs', ttlMs, { min: 1, integer: true })) };
}

/** Escapes the characters SCAN MATCH treats as a pattern, so the prefix is matched literally. @internal */
export function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}

function asString(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'number') return String(reply);
  throw unexpectedReply('a command', reply);
}

function unexpectedReply(command: string, reply: unknown): LavafleetError {
  return new LavafleetError(
    STORE_ERROR_CODE,
    `Redis answered ${command} with an unexpected ${typeof reply}; pass a plain ioredis or node-redis client (no reply transformers, RESP2 or RESP3 without type mapping)`,
  );
}

function redisError(command: string, cause: unknown): LavafleetError {
  if (cause instanceof LavafleetError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new LavafleetError(
    STORE_ERROR_CODE,
    `Redis ${command} failed: ${reason}. Check that Redis is reachable and the client is connected.`,
    { cause },
  );
}
