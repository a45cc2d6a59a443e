import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The HTTP API's Prometheus metrics, registered on a caller-owned registry. */
export interface HttpMetrics {
  /** Requests by route and status code. */
  readonly requests: Counter<'route' | 'status'>;
  /** Request duration in seconds by route (for streams: until the response ends). */
  readonly durationSec: Histogram<'route'>;
  /** Requests refused at a bound (body size, concurrency, open streams), by reason. */
  readonly refused: Counter<'reason'>;
  /** Open NDJSON streams (queries and subscriptions). */
  readonly openStreams: Gauge;
  /** Requests in flight (streams included). */
  readonly inFlight: Gauge;
}

/**
 * Registers the HTTP metrics on `registry`. A registry per server (not prom-client's global
 * one) lets several agents live in one process, as tests and the simulator do.
 */
export function createHttpMetrics(registry: Registry): HttpMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'corro_http_requests_total',
      help: 'HTTP API requests by route and status code.',
      labelNames: ['route', 'status'],
      registers,
    }),
    durationSec: new Histogram({
      name: 'corro_http_request_duration_seconds',
      help: 'HTTP API request duration in seconds (streams: until the response ends).',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    }),
    refused: new Counter({
      name: 'corro_http_refused_total',
      help: 'HTTP API requests refused at a bound (body_size, concurrency, streams, auth).',
      labelNames: ['reason'],
      registers,
    }),
    openStreams: new Gauge({
      name: 'corro_http_open_streams',
      help: 'Open NDJSON response streams (queries and subscriptions).',
      registers,
    }),
    inFlight: new Gauge({
      name: 'corro_http_in_flight_requests',
      help: 'HTTP API requests in flight, streams included.',
      registers,
    }),
  };
}
