import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiBackend } from '../backend.js';
import type { HealthThresholds } from '../options.js';

/** What a route handler gets: the exchange, the backend and the server's resolved limits. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly backend: ApiBackend;
  readonly maxBodyBytes: number;
  readonly maxStatements: number;
  readonly health: HealthThresholds;
  /** Monotonic ms. */
  readonly nowMs: () => number;
  /** Renders `GET /metrics`. */
  readonly metricsText: () => Promise<string>;
  /** Called once when a route starts an NDJSON stream (for the open-streams gauge). */
  readonly onStreamStart: () => void;
}

/** Sends a JSON body with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Starts an NDJSON stream response with `status` and extra headers. */
export function startNdjson(ctx: RouteContext, headers: Record<string, string> = {}): void {
  const res = ctx.res;
  ctx.onStreamStart();
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', ...headers });
  // Send the headers now: a subscriber waiting for its first change must see the id at once.
  res.flushHeaders();
}
