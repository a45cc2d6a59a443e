/** Prometheus metrics for the HTTP API and subscriptions (prom-client). */
export { Registry } from 'prom-client';
export { createHttpMetrics, type HttpMetrics } from './http-metrics.js';
export { type NodeMetricsSource, registerNodeMetrics } from './node-metrics.js';
