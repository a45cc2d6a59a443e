import type { Database, Statement } from 'better-sqlite3';

/**
 * A bounded least-recently-used cache of prepared statements, keyed by SQL text. At the bound
 * the least recently used statement is dropped (better-sqlite3 finalises it when collected), so
 * a caller generating endless distinct SQL costs re-preparation, never unbounded memory.
 */
export class StatementCache {
  private readonly map = new Map<string, Statement>();

  /** @param maxEntries bound on cached statements; default 128, minimum 1 */
  constructor(
    private readonly db: Database,
    private readonly maxEntries = 128,
  ) {}

  /** The prepared statement for `sql` (prepared on first use). */
  get(sql: string): Statement {
    const hit = this.map.get(sql);
    if (hit) {
      this.map.delete(sql);
      this.map.set(sql, hit);
      return hit;
    }
    const stmt = this.db.prepare(sql);
    this.map.set(sql, stmt);
    if (this.map.size > Math.max(1, this.maxEntries)) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
    return stmt;
  }

  /** Drops every cached statement (after a schema change). */
  clear(): void {
    this.map.clear();
  }

  /** Number of cached statements. */
  get size(): number {
    return this.map.size;
  }
}
