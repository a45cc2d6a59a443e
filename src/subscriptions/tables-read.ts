import type { ReadDb } from './types.js';

interface ExplainRow {
  opcode: string;
  p2: number;
  p3: number;
}

/**
 * The tables a query reads, found by SQLite itself: the `OpenRead`/`ReopenIdx` opcodes of the
 * query's bytecode name the root pages of every table and index it opens (views, joins,
 * subqueries and CTEs included), and `sqlite_schema` maps root pages back to tables. This is
 * what lets a subscription react to a change in any table it depends on.
 */
export function tablesRead(db: ReadDb, sql: string, params: readonly unknown[]): string[] {
  const ops = db.prepare(`EXPLAIN ${sql}`).all(...params) as ExplainRow[];
  const roots = new Set<number>();
  for (const op of ops) {
    // p3 is the database index: 0 is "main"; temp and attached databases are not replicated.
    if ((op.opcode === 'OpenRead' || op.opcode === 'ReopenIdx') && op.p3 === 0) roots.add(op.p2);
  }
  if (roots.size === 0) return [];
  const schema = db
    .prepare("SELECT tbl_name, rootpage FROM sqlite_schema WHERE type IN ('table', 'index')")
    .all() as { tbl_name: string; rootpage: number }[];
  const out = new Set<string>();
  // Lower case: SQLite table names are case-insensitive, commit events may spell them either way.
  for (const s of schema) if (roots.has(s.rootpage)) out.add(s.tbl_name.toLowerCase());
  return [...out].sort();
}

/** Primary key columns of `table`, in key order (empty for an unknown table). */
export function primaryKey(db: ReadDb, table: string): string[] {
  const rows = db
    .prepare('SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk')
    .all(table) as {
    name: string;
  }[];
  return rows.map((r) => r.name);
}
