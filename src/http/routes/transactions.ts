import { readJsonBody } from '../body.js';
import { StatementError } from '../errors.js';
import { parseStatements } from '../statements.js';
import { type RouteContext, sendJson } from './context.js';

/**
 * `POST /v1/transactions`: an array of statements run as one transaction. Answers
 * `{"results":[{"rows_affected":n,"time":s}...],"time":s,"version":v}`; when a statement fails
 * nothing is applied and the answer is 400 with `{"results":[{"error":"..."}],...}`.
 */
export async function handleTransactions(ctx: RouteContext): Promise<void> {
  const statements = parseStatements(await readJsonBody(ctx.req, ctx.maxBodyBytes), ctx.maxStatements);
  const start = ctx.nowMs();
  try {
    const out = await ctx.backend.transaction(statements);
    sendJson(ctx.res, 200, {
      results: out.rowsAffected.map((n, i) => ({ rows_affected: n, time: out.timesSec[i] ?? 0 })),
      time: (ctx.nowMs() - start) / 1000,
      version: out.version,
    });
  } catch (err) {
    if (!(err instanceof StatementError)) throw err;
    sendJson(ctx.res, 400, {
      results: [
        {
          error: `statement ${err.index + 1} of ${statements.length}: ${err.message} (nothing was applied)`,
        },
      ],
      time: (ctx.nowMs() - start) / 1000,
      version: null,
    });
  }
}

/**
 * `POST /v1/migrations`: schema SQL (an array of statements, usually `CREATE TABLE` and
 * `CREATE INDEX`) applied to the running node, as `corro reload` sends it. Answers like
 * transactions, with `version` null.
 */
export async function handleMigrations(ctx: RouteContext): Promise<void> {
  const statements = parseStatements(await readJsonBody(ctx.req, ctx.maxBodyBytes), ctx.maxStatements);
  const start = ctx.nowMs();
  await ctx.backend.migrate(statements.map((s) => s.sql));
  const time = (ctx.nowMs() - start) / 1000;
  sendJson(ctx.res, 200, {
    results: statements.map(() => ({ rows_affected: 0, time })),
    time,
    version: null,
  });
}
