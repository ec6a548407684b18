/** Options of the Prometheus adapter: types, defaults, and the one resolver that validates them. */
import type { Registry, RegistryContentType } from 'prom-client';
import { invalidOption } from '../errors.js';
import { requireObject, requireString } from '../util/validate.js';

/** Options of {@link registerPoolMetrics}. */
export interface PrometheusMetricsOptions {
  /** The prom-client registry to register every metric in (Prometheus or OpenMetrics content type). */
  registry: Registry<RegistryContentType>;
  /** Prepended to every metric name. @defaultValue 'lavafleet_' */
  prefix?: string;
  /**
   * Upper bounds of the duration histogram buckets (REST requests, state saves, failovers), in ms.
   * The metrics themselves are in seconds, as Prometheus expects; the bounds are converted.
   * @defaultValue [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000]
   */
  bucketsMs?: readonly number[];
}

/** Defaults of {@link PrometheusMetricsOptions}. */
export const DEFAULT_PROMETHEUS_OPTIONS = Object.freeze({
  prefix: 'lavafleet_',
  bucketsMs: Object.freeze([5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000]),
});

/** @internal {@link PrometheusMetricsOptions} after defaults and validation. */
export interface ResolvedPrometheusOptions {
  readonly registry: Registry<RegistryContentType>;
  readonly prefix: string;
  /** Bucket bounds in seconds, ascending. */
  readonly bucketsSeconds: readonly number[];
}

// The metric name grammar of the Prometheus exposition format (a prefix may be empty).
const METRIC_NAME_PREFIX = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;
const REGISTRY_METHODS = ['registerMetric', 'removeSingleMetric', 'getSingleMetric'] as const;

/** @internal Applies defaults, validates every option (naming it), and freezes the result. */
export function resolvePrometheusOptions(options: PrometheusMetricsOptions): ResolvedPrometheusOptions {
  requireObject('options', options);
  const D = DEFAULT_PROMETHEUS_OPTIONS;
  return Object.freeze({
    registry: checkRegistry(options.registry),
    prefix: checkPrefix(options.prefix ?? D.prefix),
    bucketsSeconds: Object.freeze(checkBuckets(options.bucketsMs ?? D.bucketsMs).map((ms) => ms / 1000)),
  });
}

function checkRegistry(value: unknown): Registry<RegistryContentType> {
  // Duck-typed: the bot's prom-client may be another copy than the one lavafleet resolves.
  const registry = value as Record<string, unknown> | null | undefined;
  if (
    typeof registry !== 'object' ||
    registry === null ||
    REGISTRY_METHODS.some((method) => typeof registry[method] !== 'function')
  ) {
    throw invalidOption('type', 'registry', 'a prom-client Registry (e.g. `new Registry()`)', value);
  }
  return value as Registry<RegistryContentType>;
}

function checkPrefix(value: unknown): string {
  const prefix = requireString('prefix', value, { allowEmpty: true });
  if (!METRIC_NAME_PREFIX.test(prefix)) {
    throw invalidOption('type', 'prefix', 'letters, digits, `_` and `:`, not starting with a digit', prefix);
  }
  return prefix;
}

function checkBuckets(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidOption('type', 'bucketsMs', 'a non-empty array of numbers', value);
  }
  const buckets: number[] = [];
  for (const [i, bound] of (value as unknown[]).entries()) {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= 0) {
      throw invalidOption('range', `bucketsMs[${i}]`, 'a finite number above 0', bound);
    }
    if (i > 0 && bound <= buckets[i - 1]!) {
      throw invalidOption(
        'range',
        `bucketsMs[${i}]`,
        `a number above bucketsMs[${i - 1}] (ascending)`,
        bound,
      );
    }
    buckets.push(bound);
  }
  return buckets;
}
