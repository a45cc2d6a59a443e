import { isAbsolute } from 'node:path';
import { readJsonBody } from '../body.js';
import { BadRequestError } from '../errors.js';
import { type RouteContext, sendJson } from './context.js';

/**
 * `GET /v1/health`: `{"response":{"gaps","members","p99_lag","queue_size"}}`, 200 when
 * healthy, 503 when a threshold is crossed (then `"failing"` lists which). Thresholds come
 * from the config and may be overridden per request with `?gaps=`, `?p99_lag=`,
 * `?queue_size=`, `?members=`.
 */
export function handleHealth(ctx: RouteContext): void {
  const h = ctx.backend.health();
  const q = ctx.url.searchParams;
  const maxGaps = numberParam(q, 'gaps') ?? ctx.health.maxGaps;
  const maxLag = numberParam(q, 'p99_lag') ?? ctx.health.maxP99LagSec;
  const maxQueue = numberParam(q, 'queue_size') ?? ctx.health.maxQueueSize;
  const minMembers = numberParam(q, 'members') ?? ctx.health.minMembers ?? 1;
  const failing: string[] = [];
  if (maxGaps !== undefined && h.gaps > maxGaps) failing.push(`gaps ${h.gaps} > ${maxGaps}`);
  if (maxLag !== undefined && h.p99LagSec > maxLag) failing.push(`p99_lag ${h.p99LagSec}s > ${maxLag}s`);
  if (maxQueue !== undefined && h.queueSize > maxQueue)
    failing.push(`queue_size ${h.queueSize} > ${maxQueue}`);
  if (h.members < minMembers) failing.push(`members ${h.members} < ${minMembers}`);
  const response = { gaps: h.gaps, members: h.members, p99_lag: h.p99LagSec, queue_size: h.queueSize };
  sendJson(
    ctx.res,
    failing.length > 0 ? 503 : 200,
    failing.length > 0 ? { response, failing } : { response },
  );
}

/** `GET /v1/members`: `{"members":[{"id","addr","state",...}]}`, this node included. */
export function handleMembers(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { members: ctx.backend.members() });
}

/** `GET /metrics`: Prometheus text. */
export async function handleMetrics(ctx: RouteContext): Promise<void> {
  const text = await ctx.metricsText();
  ctx.res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  ctx.res.end(text);
}

/**
 * `POST /v1/backup` with `{"path":"/abs/new-file.db"}`: writes a consistent snapshot on the
 * agent's host. The path must be absolute and must not exist yet.
 */
export async function handleBackup(ctx: RouteContext): Promise<void> {
  const body = await readJsonBody(ctx.req, ctx.maxBodyBytes);
  const path = (body as { path?: unknown } | null)?.path;
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new BadRequestError('expected {"path": "/absolute/path/of/new/snapshot.db"}');
  }
  const start = ctx.nowMs();
  await ctx.backend.backup(path);
  sendJson(ctx.res, 200, { path, time: (ctx.nowMs() - start) / 1000 });
}

function numberParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) {
    throw new BadRequestError(`query parameter "${name}" must be a number, got "${v}"`);
  }
  return n;
}
