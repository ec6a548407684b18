import { Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Pool } from '../../../src/pool.js';
import type { PoolOptions } from '../../../src/pool/pool-options.js';
import { DEFAULT_PROMETHEUS_OPTIONS, registerPoolMetrics } from '../../../src/prometheus.js';
import type { PrometheusMetricsOptions } from '../../../src/prometheus.js';
import { TestConnector } from '../../../src/testing/index.js';

const pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

/** A pool with no nodes: never connected, nothing to mock. */
function idlePool(options: Partial<PoolOptions> = {}): Pool {
  const pool = new Pool({ nodes: [], connector: new TestConnector(), store: false, ...options });
  pools.push(pool);
  return pool;
}

/** Runs `run` and checks that it threw lavafleet's option error naming `option`. */
function expectInvalid(run: () => unknown, option: string, kind: 'TypeError' | 'RangeError' = 'TypeError') {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(kind === 'TypeError' ? TypeError : RangeError);
  expect((thrown as Error).message).toContain(`Invalid option \`${option}\``);
  expect((thrown as { code?: string }).code).toBe('ERR_INVALID_OPTION');
}

describe('registerPoolMetrics options', () => {
  it.each<[string, unknown, string, 'TypeError' | 'RangeError']>([
    ['no options', undefined, 'options', 'TypeError'],
    ['no registry', { registry: undefined }, 'registry', 'TypeError'],
    ['a registry without its methods', { registry: { metrics() {} } }, 'registry', 'TypeError'],
    ['a prefix that is not a string', { prefix: 3 }, 'prefix', 'TypeError'],
    ['a prefix starting with a digit', { prefix: '1bot_' }, 'prefix', 'TypeError'],
    ['a prefix with a dash', { prefix: 'my-bot_' }, 'prefix', 'TypeError'],
    ['buckets that are not an array', { bucketsMs: 100 }, 'bucketsMs', 'TypeError'],
    ['no buckets', { bucketsMs: [] }, 'bucketsMs', 'TypeError'],
    ['a bucket of 0', { bucketsMs: [0, 10] }, 'bucketsMs[0]', 'RangeError'],
    ['an infinite bucket', { bucketsMs: [10, Infinity] }, 'bucketsMs[1]', 'RangeError'],
    ['buckets out of order', { bucketsMs: [10, 100, 50] }, 'bucketsMs[2]', 'RangeError'],
  ])('rejects %s, naming the option', (_, given, option, kind) => {
    const pool = idlePool();
    const registry = new Registry();
    const options =
      given === undefined ? undefined : { registry, ...(given as Partial<PrometheusMetricsOptions>) };
    expectInvalid(() => registerPoolMetrics(pool, options as PrometheusMetricsOptions), option, kind);
    expect(registry.getMetricsAsArray()).toHaveLength(0);
    expect(pool.hasListeners('nodeRestRequest')).toBe(false);
  });

  it('rejects something that is not a pool', () => {
    const registry = new Registry();
    expectInvalid(() => registerPoolMetrics({} as Pool, { registry }), 'pool');
  });

  it('defaults: the lavafleet_ prefix and 5 ms to 10 s buckets, exposed in seconds', async () => {
    const registry = new Registry();
    const { metricNames } = registerPoolMetrics(idlePool(), { registry });
    expect(DEFAULT_PROMETHEUS_OPTIONS.prefix).toBe('lavafleet_');
    expect(metricNames.every((name) => name.startsWith('lavafleet_'))).toBe(true);
    const text = await registry.getSingleMetricAsString('lavafleet_state_save_duration_seconds');
    const bounds = [...text.matchAll(/le="([^"]+)"/g)].map((match) => match[1]);
    expect(bounds).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
  });

  it('takes a prefix (even an empty one) and buckets in ms', async () => {
    const registry = new Registry();
    const { metricNames } = registerPoolMetrics(idlePool(), { registry, prefix: '', bucketsMs: [20, 1_500] });
    expect(metricNames).toContain('players');
    expect(metricNames).toContain('rest_requests_total');
    const text = await registry.getSingleMetricAsString('state_save_duration_seconds');
    expect([...text.matchAll(/le="([^"]+)"/g)].map((match) => match[1])).toEqual(['0.02', '1.5', '+Inf']);
  });

  it('leaves the track cache metrics out when the pool has no cache', () => {
    const withCache = registerPoolMetrics(idlePool(), { registry: new Registry() });
    const without = registerPoolMetrics(idlePool({ cache: false }), { registry: new Registry() });
    expect(withCache.metricNames).toContain('lavafleet_track_cache_hits_total');
    expect(without.metricNames.filter((name) => name.includes('track_cache'))).toEqual([]);
  });

  it('unregisters from an OpenMetrics registry too (prom-client renames counters there)', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const pool = idlePool();
    const handle = registerPoolMetrics(pool, { registry });
    const text = await registry.metrics();
    expect(text).toMatch(/^lavafleet_players 0$/m);
    expect(text).toMatch(/^# TYPE lavafleet_rest_requests counter$/m);
    handle.unregister();
    expect(registry.getMetricsAsArray()).toHaveLength(0);
    expect(pool.hasListeners('nodeRestRequest')).toBe(false);
  });
});
