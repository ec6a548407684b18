/**
 * The Prometheus adapter: registers a pool's metrics in the bot's prom-client registry. Gauges are
 * read from `pool.metrics()` at scrape time; counters and histograms count pool events from the
 * moment of registration. Nothing here is loaded unless the bot imports `lavafleet/prometheus`.
 */
import { invalidOption } from '../errors.js';
import type { Pool } from '../pool.js';
import { MetricSet } from './metric-set.js';
import { addPoolCounters } from './pool-counters.js';
import { addPoolGauges } from './pool-gauges.js';
import { resolvePrometheusOptions } from './prometheus-options.js';
import type { PrometheusMetricsOptions } from './prometheus-options.js';

/** What {@link registerPoolMetrics} returns. */
export interface PoolMetricsRegistration {
  /** Full names of the registered metrics (prefix included). */
  readonly metricNames: readonly string[];
  /** Removes the pool listeners and the metrics from the registry. Safe to call twice. */
  unregister(): void;
}

/**
 * Registers the metrics of `pool` in `options.registry`. The registry stays the bot's: serve it with
 * `registry.metrics()`. Throws a TypeError naming the option when an option is invalid or a metric
 * name is already registered (then nothing is registered).
 * @example
 * import { Registry } from 'prom-client';
 * import { registerPoolMetrics } from 'lavafleet/prometheus';
 *
 * const registry = new Registry();
 * const metrics = registerPoolMetrics(pool, { registry });
 * // GET /metrics: res.end(await registry.metrics())
 * // later: metrics.unregister();
 */
export function registerPoolMetrics(pool: Pool, options: PrometheusMetricsOptions): PoolMetricsRegistration {
  checkPool(pool);
  const { registry, prefix, bucketsSeconds } = resolvePrometheusOptions(options);
  const set = new MetricSet(prefix, bucketsSeconds);
  addPoolGauges(set, pool);
  let offs = addPoolCounters(set, pool);
  try {
    set.register(registry);
  } catch (error) {
    offs.forEach((off) => off());
    throw error;
  }
  return Object.freeze({
    metricNames: Object.freeze(set.names),
    unregister() {
      offs.forEach((off) => off());
      offs = [];
      set.unregister(registry);
    },
  });
}

function checkPool(pool: unknown): void {
  const candidate = pool as Partial<Record<'on' | 'metrics', unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.on !== 'function' ||
    typeof candidate.metrics !== 'function'
  ) {
    throw invalidOption('type', 'pool', 'a lavafleet Pool', pool);
  }
}
