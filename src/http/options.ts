import type { Registry } from 'prom-client';
import type { ApiBackend } from './backend.js';

/** Health thresholds: `GET /v1/health` answers 503 when any is crossed. Query params override. */
export interface HealthThresholds {
  /** Most unapplied versions tolerated (query param `gaps`). Default: no limit. */
  readonly maxGaps?: number;
  /** Largest p99 receive lag tolerated, in seconds (query param `p99_lag`). Default: no limit. */
  readonly maxP99LagSec?: number;
  /** Largest queue tolerated (query param `queue_size`). Default: no limit. */
  readonly maxQueueSize?: number;
  /** Fewest alive members required, this node included (query param `members`). Default 1. */
  readonly minMembers?: number;
}

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  readonly backend: ApiBackend;
  /** Listen address `host:port`. Default `127.0.0.1:8080`; port 0 picks a free one. */
  readonly addr?: string;
  /** Bearer token required on every request when set. Default: none. */
  readonly token?: string;
  /** Largest request body accepted, in bytes; larger gets 413. Default 4 MiB. */
  readonly maxBodyBytes?: number;
  /** Most statements in one transaction; more gets 400. Default 1000. */
  readonly maxStatements?: number;
  /**
   * Most requests handled at once, query streams included but not subscriptions; more gets
   * 503 with `Retry-After: 1`. Default 64.
   */
  readonly maxConcurrentRequests?: number;
  /** Most open subscription streams; more gets 503. Default 1024. */
  readonly maxSubscriptionStreams?: number;
  /** Health thresholds. */
  readonly health?: HealthThresholds;
  /** Serve `GET /metrics`. Default true. */
  readonly serveMetrics?: boolean;
  /** Registry the HTTP metrics go to; a fresh one by default. Served at `GET /metrics`. */
  readonly registry?: Registry;
  /** Monotonic milliseconds, for the `time` fields. Default: the process's monotonic clock. */
  readonly nowMs?: () => number;
}

/** Defaults of {@link ApiServerOptions}. */
export const API_DEFAULTS = {
  addr: '127.0.0.1:8080',
  maxBodyBytes: 4 * 1024 * 1024,
  maxStatements: 1000,
  maxConcurrentRequests: 64,
  maxSubscriptionStreams: 1024,
} as const;

/** Splits `host:port` (IPv6 as `[::1]:port`). Throws a message naming the bad address. */
export function parseHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new Error(`bad address "${addr}": expected host:port, e.g. 127.0.0.1:8080`);
  return { host: (m[1] ?? m[2]) as string, port };
}
