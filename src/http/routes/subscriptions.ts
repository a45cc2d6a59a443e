import type { SubscribeOptions, SubscriptionStream } from '../backend.js';
import { readJsonBody } from '../body.js';
import { BadRequestError } from '../errors.js';
import { NdjsonWriter } from '../ndjson.js';
import { parseStatement } from '../statements.js';
import { type RouteContext, startNdjson } from './context.js';

/**
 * `POST /v1/subscriptions` (body: one statement) starts or joins a subscription;
 * `GET /v1/subscriptions/{id}` re-attaches. Both take `?from=N` (resume after change id N)
 * and `?skip_rows=true`. The response carries `corro-query-id` and `corro-query-hash`
 * headers and streams NDJSON: `columns`, `row`s, `eoq` (with `change_id`), then
 * `{"change":[type,rowid,[cells],change_id]}` until the client disconnects. A consumer that
 * falls too far behind gets an `{"error":...}` line and the stream ends.
 */
export async function handleSubscribe(ctx: RouteContext): Promise<void> {
  const statement = parseStatement(await readJsonBody(ctx.req, ctx.maxBodyBytes));
  await pump(ctx, ctx.backend.subscribe(statement, subscribeOptions(ctx.url)));
}

/** `GET /v1/subscriptions/{id}`: see {@link handleSubscribe}. */
export async function handleAttach(ctx: RouteContext, id: string): Promise<void> {
  await pump(ctx, ctx.backend.attach(id, subscribeOptions(ctx.url)));
}

async function pump(ctx: RouteContext, stream: SubscriptionStream): Promise<void> {
  const out = new NdjsonWriter(ctx.res);
  // The client leaving must end the event loop below even while it waits for a change.
  ctx.res.on('close', () => stream.close());
  try {
    startNdjson(ctx, { 'corro-query-id': stream.id, 'corro-query-hash': stream.hash });
    for await (const event of stream.events) {
      await out.write(event);
      if (out.closed) break;
    }
  } finally {
    stream.close();
    out.end();
  }
}

function subscribeOptions(url: URL): SubscribeOptions {
  const opts: { from?: number; skipRows?: boolean } = {};
  const from = url.searchParams.get('from');
  if (from !== null) {
    if (!/^\d+$/.test(from) || !Number.isSafeInteger(Number(from))) {
      throw new BadRequestError(
        `query parameter "from" must be a change id (a non-negative integer), got "${from}"`,
      );
    }
    opts.from = Number(from);
  }
  const skip = url.searchParams.get('skip_rows');
  if (skip !== null) {
    if (!['true', 'false', '1', '0', ''].includes(skip)) {
      throw new BadRequestError(`query parameter "skip_rows" must be true or false, got "${skip}"`);
    }
    opts.skipRows = skip === 'true' || skip === '1' || skip === '';
  }
  return opts;
}
