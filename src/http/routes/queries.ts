import { readJsonBody } from '../body.js';
import { cellToJson } from '../json-values.js';
import { NdjsonWriter } from '../ndjson.js';
import { parseStatement } from '../statements.js';
import { type RouteContext, startNdjson } from './context.js';

/**
 * `POST /v1/queries`: one read-only statement. Streams NDJSON `{"columns":[...]}`, then
 * `{"row":[rowid,[cells]]}` per row (rowid counts from 1), then `{"eoq":{"time":s}}`.
 * A write statement or bad SQL is refused with 400 before any line is sent; an error while
 * rows stream ends the stream with an `{"error":"..."}` line.
 */
export async function handleQueries(ctx: RouteContext): Promise<void> {
  const statement = parseStatement(await readJsonBody(ctx.req, ctx.maxBodyBytes));
  const start = ctx.nowMs();
  const cursor = ctx.backend.query(statement);
  const out = new NdjsonWriter(ctx.res);
  try {
    startNdjson(ctx);
    await out.write({ columns: cursor.columns });
    let rowid = 1;
    for (;;) {
      if (out.closed) return;
      let next: IteratorResult<readonly unknown[]>;
      try {
        next = cursor.rows.next();
      } catch (err) {
        await out.write({ error: (err as Error).message });
        return;
      }
      if (next.done) break;
      await out.write({ row: [rowid++, next.value.map(cellToJson)] });
    }
    await out.write({ eoq: { time: (ctx.nowMs() - start) / 1000 } });
  } finally {
    cursor.close();
    out.end();
  }
}
