/** Options of the Pool: types, defaults and the one resolver. */
import type { TrackCacheInput } from '../cache/track-cache.js';
import type { Connector } from '../connectors/connector.js';
import type { StateStore } from '../persistence/state-store.js';
import { FileStore } from '../persistence/file-store.js';
import { invalidOption } from '../errors.js';
import type { NodeOptions } from '../node/node-options.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import {
  requireBoolean,
  requireNumber,
  requireObject,
  requireSnowflake,
  requireString,
} from '../util/validate.js';
import { penaltyStrategy } from './selection.js';
import type { SelectionStrategy } from './selection.js';

/** When and how players leave a failing node. */
export interface FailoverOptions {
  /** Move players off failing nodes at all. @defaultValue true */
  enabled?: boolean;
  /**
   * After a socket drops, lavafleet asks the server `GET /version` with this timeout: no answer means
   * the server is gone (killed, frozen, unreachable) and players move at once. @defaultValue 1_000
   */
  probeTimeoutMs?: number;
  /**
   * When the server answers the probe (only the socket dropped), how long to wait for the session to
   * resume before moving players anyway. Lavalink keeps playing meanwhile, so waiting costs no audio.
   * @defaultValue 5_000
   */
  resumeWaitMs?: number;
  /**
   * Players re-created at once during a failover, at least. When the target node answers slowly
   * (a latency spike), more go at once so the failover still ends quickly; see `maxConcurrency`.
   * @defaultValue 50
   */
  concurrency?: number;
  /**
   * The most players re-created at once, reached only when moves are latency-bound: in flight =
   * players left × the quickest move's round trip / 250 ms. Each node's `maxSockets` also caps what
   * goes out to that node. Set it to `concurrency` for a fixed limit. @defaultValue 1_000
   */
  maxConcurrency?: number;
}

export interface PoolOptions {
  /** The Lavalink nodes. More can be added with `pool.addNode()`. */
  nodes: NodeOptions[];
  /** The Discord side (see `connectors`). */
  connector: Connector;
  /** The bot's user id; by default taken from the connector when it is ready. */
  userId?: string;
  /** Replaces the default penalty-based node selection. @defaultValue penaltyStrategy */
  selectNode?: SelectionStrategy;
  /** `connect()` waits for every node instead of the first. @defaultValue false */
  waitForAllNodes?: boolean;
  /** How long `join()` waits for Discord's voice state and voice server updates. @defaultValue 10_000 */
  voiceTimeoutMs?: number;
  failover?: FailoverOptions;
  /** Search prefix for queries that are not URLs and have no prefix. @defaultValue 'ytsearch' */
  defaultSearchSource?: string;
  /**
   * LFU cache of load results: repeated loads of the same identifier come from memory. Errors and
   * empty results are never cached; search results expire after `searchTtlMs`. `false` disables it.
   * @defaultValue { capacity: 200, searchTtlMs: 600_000 }
   */
  cache?: TrackCacheInput | false;
  /**
   * Where player state is saved so it survives bot restarts: a {@link FileStore} in `./.lavafleet` by
   * default, a `RedisStore` (from `lavafleet/redis`) for bots that run many processes, or `false`.
   * The pool closes only the default store; a store you pass in stays open for you to close.
   */
  store?: StateStore | false;
  /** Changed players are saved on this interval (and on `close()`); 0 saves only on close. @defaultValue 5_000 */
  stateSaveIntervalMs?: number;
  /** Restore saved sessions and players on `connect()`. @defaultValue true */
  restoreOnConnect?: boolean;
  /**
   * How often each node's players are read back (`GET /v4/sessions/{id}/players`) and compared with
   * the pool's, as after a resume: a player the pool believes plays but the server has silent or
   * lost is played again, and a copy of a player the pool has on another node is deleted. A last
   * line of defence against a request that went missing; 0 turns it off. @defaultValue 30_000
   */
  syncIntervalMs?: number;
  /**
   * For bots that run several processes over one store: whether this process owns a guild (e.g. its
   * shard is here). A process restores and saves only what it owns. @defaultValue every guild
   */
  ownsGuild?: (guildId: string) => boolean;
  /** @internal Injectable clock (tests). */
  clock?: Clock;
}

export interface ResolvedPoolOptions {
  readonly nodes: readonly NodeOptions[];
  readonly connector: Connector;
  readonly userId: string | null;
  readonly selectNode: SelectionStrategy;
  readonly waitForAllNodes: boolean;
  readonly voiceTimeoutMs: number;
  readonly failover: Readonly<Required<FailoverOptions>>;
  readonly defaultSearchSource: string;
  readonly cache: TrackCacheInput | false | undefined;
  readonly store: StateStore | null;
  /** Whether the pool created the store (the default FileStore) and so closes it on `close()`. */
  readonly ownsStore: boolean;
  readonly stateSaveIntervalMs: number;
  readonly restoreOnConnect: boolean;
  readonly syncIntervalMs: number;
  readonly ownsGuild: (guildId: string) => boolean;
  readonly clock: Clock;
}

export const DEFAULT_POOL_OPTIONS = Object.freeze({
  waitForAllNodes: false,
  voiceTimeoutMs: 10_000,
  failover: Object.freeze({
    enabled: true,
    probeTimeoutMs: 1_000,
    resumeWaitMs: 5_000,
    concurrency: 50,
    maxConcurrency: 1_000,
  }),
  defaultSearchSource: 'ytsearch',
  stateSaveIntervalMs: 5_000,
  restoreOnConnect: true,
  syncIntervalMs: 30_000,
  stateDirectory: '.lavafleet',
} as const);

/** Validates pool options (node options are validated by each Node). */
export function resolvePoolOptions(input: PoolOptions): ResolvedPoolOptions {
  requireObject('pool options', input);
  if (!Array.isArray(input.nodes))
    throw invalidOption('type', 'nodes', 'an array of node options', input.nodes);
  const connector = requireObject('connector', input.connector) as unknown as Connector;
  if (typeof connector.sendVoiceStateUpdate !== 'function' || typeof connector.onVoicePacket !== 'function') {
    throw invalidOption(
      'type',
      'connector',
      'a Connector (use connectors.discordJs(client) or connectors.custom(...))',
      input.connector,
    );
  }
  if (input.selectNode !== undefined && typeof input.selectNode !== 'function') {
    throw invalidOption('type', 'selectNode', 'a function', input.selectNode);
  }
  const d = DEFAULT_POOL_OPTIONS;
  const failover = input.failover === undefined ? {} : requireObject('failover', input.failover);
  const concurrency = requireNumber('failover.concurrency', failover.concurrency ?? d.failover.concurrency, {
    min: 1,
    integer: true,
  });
  return Object.freeze({
    nodes: input.nodes,
    connector,
    userId: input.userId === undefined ? null : requireSnowflake('userId', input.userId),
    selectNode: input.selectNode ?? penaltyStrategy,
    waitForAllNodes: requireBoolean('waitForAllNodes', input.waitForAllNodes ?? d.waitForAllNodes),
    voiceTimeoutMs: requireNumber('voiceTimeoutMs', input.voiceTimeoutMs ?? d.voiceTimeoutMs, { min: 1 }),
    failover: Object.freeze({
      enabled: requireBoolean('failover.enabled', failover.enabled ?? d.failover.enabled),
      probeTimeoutMs: requireNumber(
        'failover.probeTimeoutMs',
        failover.probeTimeoutMs ?? d.failover.probeTimeoutMs,
        { min: 1 },
      ),
      resumeWaitMs: requireNumber('failover.resumeWaitMs', failover.resumeWaitMs ?? d.failover.resumeWaitMs, {
        min: 0,
      }),
      concurrency,
      maxConcurrency: requireNumber(
        'failover.maxConcurrency',
        failover.maxConcurrency ?? Math.max(concurrency, d.failover.maxConcurrency),
        { min: concurrency, integer: true },
      ),
    }),
    defaultSearchSource: requireString(
      'defaultSearchSource',
      input.defaultSearchSource ?? d.defaultSearchSource,
    ),
    cache: input.cache,
    store: resolveStore(input.store),
    ownsStore: input.store === undefined,
    stateSaveIntervalMs: requireNumber(
      'stateSaveIntervalMs',
      input.stateSaveIntervalMs ?? d.stateSaveIntervalMs,
      { min: 0 },
    ),
    restoreOnConnect: requireBoolean('restoreOnConnect', input.restoreOnConnect ?? d.restoreOnConnect),
    syncIntervalMs: requireNumber('syncIntervalMs', input.syncIntervalMs ?? d.syncIntervalMs, { min: 0 }),
    ownsGuild: requireFunction('ownsGuild', input.ownsGuild) ?? (() => true),
    clock: input.clock ?? systemClock,
  });
}

function resolveStore(store: StateStore | false | undefined): StateStore | null {
  if (store === false) return null;
  if (store === undefined) return new FileStore({ directory: DEFAULT_POOL_OPTIONS.stateDirectory });
  const methods = ['get', 'set', 'delete', 'list', 'write', 'close'] as const;
  if (
    typeof store !== 'object' ||
    store === null ||
    methods.some((m) => typeof (store as unknown as Record<string, unknown>)[m] !== 'function')
  ) {
    throw invalidOption('type', 'store', 'a StateStore (MemoryStore, FileStore, RedisStore) or false', store);
  }
  return store;
}

function requireFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw invalidOption('type', option, 'a function', value);
  return value;
}
