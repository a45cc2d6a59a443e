import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Registry } from 'prom-client';
import { createHttpMetrics } from '../metrics/http-metrics.js';
import { monotonicMs } from '../runtime/real-runtime.js';
import { isAuthorized } from './auth.js';
import { BodyTooLargeError } from './body.js';
import { ApiError, NotFoundError } from './errors.js';
import { API_DEFAULTS, type ApiServerOptions, parseHostPort } from './options.js';
import { type RouteContext, sendJson } from './routes/context.js';
import { handleQueries } from './routes/queries.js';
import { handleBackup, handleHealth, handleMembers, handleMetrics } from './routes/status.js';
import { handleAttach, handleSubscribe } from './routes/subscriptions.js';
import { handleMigrations, handleTransactions } from './routes/transactions.js';

/** A running HTTP API server. */
export interface ApiServer {
  /** The bound address, `host:port` (the real port when 0 was asked). */
  readonly addr: string;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The metrics registry served at `/metrics`. */
  readonly registry: Registry;
  /** Stops accepting, ends open streams and waits for the listener to close. */
  close(): Promise<void>;
}

type Kind = 'request' | 'stream';
interface Route {
  readonly name: string;
  readonly kind: Kind;
  readonly run: (ctx: RouteContext) => Promise<void> | void;
}

/** The endpoints: path -> method -> route. `/v1/subscriptions/{id}` is matched apart. */
const ROUTES: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
  '/v1/transactions': { POST: { name: 'transactions', kind: 'request', run: handleTransactions } },
  '/v1/queries': { POST: { name: 'queries', kind: 'request', run: handleQueries } },
  '/v1/subscriptions': { POST: { name: 'subscriptions', kind: 'stream', run: handleSubscribe } },
  '/v1/migrations': { POST: { name: 'migrations', kind: 'request', run: handleMigrations } },
  '/v1/backup': { POST: { name: 'backup', kind: 'request', run: handleBackup } },
  '/v1/health': { GET: { name: 'health', kind: 'request', run: handleHealth } },
  '/v1/members': { GET: { name: 'members', kind: 'request', run: handleMembers } },
  '/metrics': { GET: { name: 'metrics', kind: 'request', run: handleMetrics } },
};

/** Picks the route for a method and path, or explains why none fits. */
function route(method: string, path: string, serveMetrics: boolean): Route | ApiError {
  const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
  const id = sub?.[1];
  const methods: Readonly<Record<string, Route>> | undefined =
    id !== undefined
      ? {
          GET: {
            name: 'subscription_attach',
            kind: 'stream',
            run: (ctx) => handleAttach(ctx, decodeURIComponent(id)),
          },
        }
      : path === '/metrics' && !serveMetrics
        ? undefined
        : ROUTES[path];
  if (!methods) return new NotFoundError(`no such endpoint: ${path}`);
  const r = methods[method];
  if (!r)
    return new ApiError(405, `${method} not allowed on ${path}; use ${Object.keys(methods).join(', ')}`);
  return r;
}

/**
 * Starts the Corrosion-compatible HTTP API over `options.backend`. Binds to loopback by
 * default; see {@link ApiServerOptions} for the bounds and what happens at each.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { host, port } = parseHostPort(options.addr ?? API_DEFAULTS.addr);
  const registry = options.registry ?? new Registry();
  const metrics = createHttpMetrics(registry);
  const nowMs = options.nowMs ?? monotonicMs;
  const maxConcurrent = options.maxConcurrentRequests ?? API_DEFAULTS.maxConcurrentRequests;
  const maxStreams = options.maxSubscriptionStreams ?? API_DEFAULTS.maxSubscriptionStreams;
  const counts: Record<Kind, number> = { request: 0, stream: 0 };
  const sockets = new Set<Socket>();
  const metricsText = async (): Promise<string> => {
    const own = await registry.metrics();
    const backend = await options.backend.metrics();
    return backend ? `${own}\n${backend}` : own;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const start = nowMs();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const r = route(req.method ?? 'GET', url.pathname, options.serveMetrics ?? true);
    const name = r instanceof ApiError ? 'unknown' : r.name;
    res.on('close', () => {
      metrics.requests.inc({ route: name, status: String(res.statusCode) });
      metrics.durationSec.observe({ route: name }, (nowMs() - start) / 1000);
    });
    if (!isAuthorized(req.headers, options.token)) {
      metrics.refused.inc({ reason: 'auth' });
      res.setHeader('www-authenticate', 'Bearer');
      return refuse(req, res, 401, 'missing or wrong bearer token: send "Authorization: Bearer <token>"');
    }
    if (r instanceof ApiError) return refuse(req, res, r.status, r.message);
    const limit = r.kind === 'stream' ? maxStreams : maxConcurrent;
    if (counts[r.kind] >= limit) {
      metrics.refused.inc({ reason: r.kind === 'stream' ? 'streams' : 'concurrency' });
      res.setHeader('retry-after', '1');
      const what = r.kind === 'stream' ? 'open subscription streams' : 'concurrent requests';
      return refuse(req, res, 503, `too many ${what} (limit ${limit}); retry later`);
    }
    counts[r.kind]++;
    metrics.inFlight.inc();
    try {
      await r.run({
        req,
        res,
        url,
        backend: options.backend,
        maxBodyBytes: options.maxBodyBytes ?? API_DEFAULTS.maxBodyBytes,
        maxStatements: options.maxStatements ?? API_DEFAULTS.maxStatements,
        health: options.health ?? {},
        nowMs,
        metricsText,
        onStreamStart: () => {
          metrics.openStreams.inc();
          res.on('close', () => metrics.openStreams.dec());
        },
      });
    } catch (err) {
      if (err instanceof BodyTooLargeError) metrics.refused.inc({ reason: 'body_size' });
      failed(req, res, err);
    } finally {
      counts[r.kind]--;
      metrics.inFlight.dec();
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => failed(req, res, err));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const addr = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  return {
    addr,
    url: `http://${addr}`,
    registry,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open streams (subscriptions) would otherwise hold the listener open forever.
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Answers an error as JSON, or as a final NDJSON `error` line when a stream had started. */
function failed(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const status = err instanceof ApiError ? err.status : 500;
  const message = err instanceof Error ? err.message : String(err);
  if (res.headersSent) {
    if (!res.writableEnded) res.end(`${JSON.stringify({ error: message })}\n`);
    return;
  }
  refuse(req, res, status, status === 500 ? `internal error: ${message}` : message);
}

function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  // A refused upload must not keep streaming into us: close once the answer is out.
  if (!req.complete) res.setHeader('connection', 'close');
  sendJson(res, status, { error: message });
}
