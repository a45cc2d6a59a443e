import Database from 'better-sqlite3';
import { rowParams, TABLE_SQL, UPSERT_SQL } from './workload.js';

/**
 * Raw better-sqlite3 running the workload's upserts: the physical limit of this stack, and
 * the baseline every store figure is divided by. `path` is a file (WAL, synchronous=NORMAL,
 * the settings a corro store uses) or ':memory:'.
 */
export class RawSqlite {
  readonly db: Database.Database;
  private readonly upsert: Database.Statement;

  constructor(path = ':memory:') {
    this.db = new Database(path);
    if (path !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.exec(TABLE_SQL.replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'));
    this.upsert = this.db.prepare(UPSERT_SQL);
  }

  /** `count` single-row transactions on ids `from..from+count-1`; returns elapsed ms. */
  singleRows(from: number, count: number, round = 0): number {
    const tx = this.db.transaction((id: number) => this.upsert.run(...rowParams(id, round)));
    const t0 = performance.now();
    for (let i = 0; i < count; i++) tx(from + i);
    return performance.now() - t0;
  }

  /** `batches` transactions of `rows` upserts each, ids from `from`; returns elapsed ms. */
  batchedRows(from: number, batches: number, rows: number, round = 0): number {
    const tx = this.db.transaction((start: number) => {
      for (let i = 0; i < rows; i++) this.upsert.run(...rowParams(start + i, round));
    });
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) tx(from + b * rows);
    return performance.now() - t0;
  }

  close(): void {
    this.db.close();
  }
}
