import type { Database, Statement } from 'better-sqlite3';
import { StoreUsageError } from './errors.js';
import type { StatementCache } from './statement-cache.js';
import type { ExecResult } from './store-options.js';
import type { SqlParams } from './types.js';

// Statements that would break corro's transaction or schema bookkeeping if run through exec().
const FORBIDDEN_IN_EXEC =
  /^\s*(BEGIN|COMMIT|END|ROLLBACK(?!\s+TO)|CREATE|DROP|ALTER|ATTACH|DETACH|VACUUM)\b/i;

/**
 * Runs one data statement (with parameters) or a parameterless multi-statement script inside the
 * caller's transaction. Schema and transaction-control statements throw {@link StoreUsageError}.
 */
export function runStatement(
  db: Database,
  stmts: StatementCache,
  sql: string,
  params: SqlParams | undefined,
): ExecResult {
  if (FORBIDDEN_IN_EXEC.test(sql)) {
    throw new StoreUsageError(
      'exec() runs data statements; use store.migrate() for schema changes and store.transaction() for transactions',
    );
  }
  let stmt: Statement;
  try {
    stmt = stmts.get(sql);
  } catch (e) {
    if (params === undefined && /more than one statement/.test((e as Error).message)) {
      db.exec(sql);
      return { changes: 0, lastInsertRowid: 0 };
    }
    throw e;
  }
  const args = toArgs(params);
  if (stmt.reader) {
    stmt.all(...args);
    return { changes: 0, lastInsertRowid: 0 };
  }
  const r = stmt.run(...args);
  return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
}

/** Runs a read-only statement that returns rows; anything else throws {@link StoreUsageError}. */
export function readStatement<T>(stmts: StatementCache, sql: string, params: SqlParams | undefined): T[] {
  const stmt = stmts.get(sql);
  if (!stmt.reader || !stmt.readonly) {
    throw new StoreUsageError(
      'query() runs read-only statements that return rows; use exec() or transaction() for writes',
    );
  }
  return stmt.all(...toArgs(params)) as T[];
}

function toArgs(params: SqlParams | undefined): unknown[] {
  if (params === undefined) return [];
  return Array.isArray(params) ? [...params] : [params];
}
