/**
 * `lavafleet/prometheus`: Prometheus metrics of a pool, registered in your prom-client registry. A
 * separate entry point so that bots without prom-client never load it (prom-client is an optional
 * peer dependency).
 *
 * @module lavafleet/prometheus
 */
export { registerPoolMetrics } from './metrics/prometheus.js';
export type { PoolMetricsRegistration } from './metrics/prometheus.js';
export { DEFAULT_PROMETHEUS_OPTIONS } from './metrics/prometheus-options.js';
export type { PrometheusMetricsOptions } from './metrics/prometheus-options.js';
