/**
 * The metrics one adapter owns: built unregistered, then registered together (or not at all) and
 * removed together, so a name clash never leaves half of them behind in the bot's registry.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry, RegistryContentType } from 'prom-client';
import { invalidOption } from '../errors.js';

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/** @internal A group of prom-client metrics sharing a name prefix and histogram buckets. */
export class MetricSet {
  readonly #prefix: string;
  readonly #bucketsSeconds: readonly number[];
  // Names as built: prom-client renames counters in place for OpenMetrics, but keys its registry by
  // the name they were registered with.
  readonly #metrics = new Map<string, AnyMetric>();

  constructor(prefix: string, bucketsSeconds: readonly number[]) {
    this.#prefix = prefix;
    this.#bucketsSeconds = bucketsSeconds;
  }

  /** Full names of the metrics, in the order they were added. */
  get names(): string[] {
    return [...this.#metrics.keys()];
  }

  /** A counter; `collect` (optional) refreshes it at scrape time. */
  counter<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect?: (metric: Counter<L>) => void,
  ): Counter<L> {
    const fullName = this.#prefix + name;
    return this.#add(
      fullName,
      new Counter<L>({ name: fullName, help, labelNames, registers: [], ...withCollect(collect) }),
    );
  }

  /** A gauge; `collect` (optional) sets it at scrape time. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect?: (metric: Gauge<L>) => void,
  ): Gauge<L> {
    const fullName = this.#prefix + name;
    return this.#add(
      fullName,
      new Gauge<L>({ name: fullName, help, labelNames, registers: [], ...withCollect(collect) }),
    );
  }

  /** A histogram of durations in seconds, with the set's buckets. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
    const fullName = this.#prefix + name;
    const buckets = [...this.#bucketsSeconds];
    return this.#add(
      fullName,
      new Histogram<L>({ name: fullName, help, labelNames, buckets, registers: [] }),
    );
  }

  /** Registers every metric, or none when one of the names is taken. */
  register(registry: Registry<RegistryContentType>): void {
    const taken = this.names.find((name) => registry.getSingleMetric(name) !== undefined);
    if (taken !== undefined) {
      throw invalidOption(
        'type',
        'prefix',
        `a prefix whose metric names are free in the registry (\`${taken}\` is registered: unregister() the earlier adapter or choose another prefix)`,
        this.#prefix,
      );
    }
    for (const metric of this.#metrics.values()) registry.registerMetric(metric);
  }

  /** Removes every metric of this set that is still the one registered under its name. */
  unregister(registry: Registry<RegistryContentType>): void {
    for (const [name, metric] of this.#metrics) {
      if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
    }
  }

  #add<M extends AnyMetric>(name: string, metric: M): M {
    if (this.#metrics.has(name)) throw new Error(`MetricSet: ${name} added twice (a lavafleet bug)`);
    this.#metrics.set(name, metric);
    return metric;
  }
}

/** prom-client calls `collect` with the metric as `this`; ours take it as an argument. */
function withCollect<M>(collect: ((metric: M) => void) | undefined): { collect?: (this: M) => void } {
  return collect
    ? {
        collect(this: M) {
          collect(this);
        },
      }
    : {};
}
