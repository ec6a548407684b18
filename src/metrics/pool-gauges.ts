/**
 * Metrics read from the pool at scrape time: node status, latency, penalty, players, breakers, and
 * the track cache. Nothing runs between scrapes, and nodes removed from the pool vanish from them.
 */
import type { TrackCache } from '../cache/track-cache.js';
import type { NodeStatus } from '../node/node-status.js';
import type { PenaltyBreakdown } from '../node/penalty.js';
import type { Pool, PoolMetrics } from '../pool.js';
import type { CircuitState } from '../resilience/circuit-breaker.js';
import type { MetricSet } from './metric-set.js';

// Written as records so that the compiler complains when a status, state or component is added.
const NODE_STATUSES = Object.keys({
  connecting: 0,
  connected: 0,
  reconnecting: 0,
  disconnected: 0,
} satisfies Record<NodeStatus, 0>) as NodeStatus[];
const BREAKER_STATES = Object.keys({ closed: 0, open: 0, halfOpen: 0 } satisfies Record<CircuitState, 0>);
const PENALTY_COMPONENTS = Object.keys({
  players: 0,
  cpu: 0,
  deficitFrames: 0,
  nulledFrames: 0,
  memory: 0,
  latency: 0,
  failures: 0,
  total: 0,
} satisfies Record<keyof PenaltyBreakdown, 0>) as Array<keyof PenaltyBreakdown>;

/** @internal Adds the scrape-time gauges of `pool` to `set`. */
export function addPoolGauges(set: MetricSet, pool: Pool): void {
  const scrape = oncePerScrape(() => pool.metrics());
  addNodeGauges(set, scrape);
  set.gauge('players', 'Players in the pool.', [], (gauge) => gauge.set(scrape().players));
  set.gauge('players_parked', 'Players waiting for a node to take them (no node could, yet).', [], (gauge) =>
    gauge.set(scrape().parkedPlayers),
  );
  if (pool.cache) addCacheMetrics(set, pool.cache);
}

function addNodeGauges(set: MetricSet, scrape: () => PoolMetrics): void {
  set.gauge('nodes', 'Nodes by connection status.', ['status'], (gauge) => {
    const counts = new Map<string, number>(NODE_STATUSES.map((status) => [status, 0]));
    for (const node of scrape().nodes) counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
    for (const [status, count] of counts) gauge.set({ status }, count);
  });
  set.gauge(
    'node_status',
    'Connection status of each node: 1 for the current one.',
    ['node', 'status'],
    (gauge) => {
      gauge.reset();
      for (const node of scrape().nodes) {
        for (const status of NODE_STATUSES)
          gauge.set({ node: node.identifier, status }, +(node.status === status));
      }
    },
  );
  set.gauge('node_latency_seconds', 'Smoothed WebSocket ping round trip of each node.', ['node'], (gauge) => {
    gauge.reset();
    for (const node of scrape().nodes) {
      if (node.latencyMs !== null) gauge.set({ node: node.identifier }, node.latencyMs / 1000);
    }
  });
  set.gauge(
    'node_penalty',
    'Selection penalty of each connected node by component (lower is preferred); component="total" is the sum.',
    ['node', 'component'],
    (gauge) => {
      gauge.reset();
      for (const { identifier, penalty } of scrape().nodes) {
        if (penalty === null) continue; // not connected: not a candidate
        for (const component of PENALTY_COMPONENTS)
          gauge.set({ node: identifier, component }, penalty[component]);
      }
    },
  );
  set.gauge('node_players', 'Players of this pool on each node.', ['node'], (gauge) => {
    gauge.reset();
    for (const node of scrape().nodes) gauge.set({ node: node.identifier }, node.players);
  });
  set.gauge(
    'node_breaker_state',
    'Circuit breaker state of each node: 1 for the current one.',
    ['node', 'state'],
    (gauge) => {
      gauge.reset();
      for (const node of scrape().nodes) {
        for (const state of BREAKER_STATES)
          gauge.set({ node: node.identifier, state }, +(node.breaker.state === state));
      }
    },
  );
}

function addCacheMetrics(set: MetricSet, cache: TrackCache): void {
  // The cache counts on its own; these counters copy its totals at scrape time.
  set.counter('track_cache_hits_total', 'Loads answered from the track cache.', [], (counter) => {
    counter.reset();
    counter.inc(cache.stats().hits);
  });
  set.counter('track_cache_misses_total', 'Loads the track cache could not answer.', [], (counter) => {
    counter.reset();
    counter.inc(cache.stats().misses);
  });
  set.counter('track_cache_evictions_total', 'Entries pushed out of the full track cache.', [], (counter) => {
    counter.reset();
    counter.inc(cache.stats().evictions);
  });
  set.gauge('track_cache_entries', 'Load results held in the track cache.', [], (gauge) => {
    gauge.set(cache.stats().size);
  });
}

/**
 * `read()` once per scrape: prom-client collects every metric of a scrape in the same tick, so the
 * value is kept until the next microtask. `pool.metrics()` walks every player; once is enough.
 */
function oncePerScrape<T>(read: () => T): () => T {
  let cached: { value: T } | null = null;
  return () => {
    if (cached) return cached.value;
    cached = { value: read() };
    queueMicrotask(() => {
      cached = null;
    });
    return cached.value;
  };
}
