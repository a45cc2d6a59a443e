import type { CrSqliteWasm, WasmDb, WasmStatement, WasmValue } from './crsqlite-wasm.js';
import { rowParams, TABLE_SQL, UPSERT_SQL } from './workload.js';

/** The columns of `crsql_changes`, in the order cr-sqlite's merge insert expects them. */
const CHANGE_COLS = '"table", pk, cid, val, col_version, db_version, site_id, cl, seq';

/**
 * The workload on one in-memory WASM database, either plain SQLite (`crr: false`, the WASM
 * build's own physical limit) or the table upgraded to a conflict-free replicated relation
 * with `crsql_as_crr` (`crr: true`, what Corrosion runs on).
 */
export class WasmWorkload {
  private constructor(
    readonly db: WasmDb,
    private readonly upsert: WasmStatement,
  ) {}

  /** Opens a fresh database with the workload table, as a CRR or plain. */
  static async open(cr: CrSqliteWasm, crr: boolean): Promise<WasmWorkload> {
    const db = await cr.open();
    await db.exec(TABLE_SQL);
    if (crr) await db.exec("SELECT crsql_as_crr('items')");
    return new WasmWorkload(db, await db.prepare(UPSERT_SQL));
  }

  /** `count` single-row transactions (autocommit upserts); returns elapsed ms. */
  async singleRows(from: number, count: number, round = 0): Promise<number> {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await this.upsert.all(rowParams(from + i, round));
    return performance.now() - t0;
  }

  /** `batches` transactions of `rows` upserts; returns elapsed ms. */
  async batchedRows(from: number, batches: number, rows: number, round = 0): Promise<number> {
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      await this.db.exec('BEGIN');
      for (let i = 0; i < rows; i++) await this.upsert.all(rowParams(from + b * rows + i, round));
      await this.db.exec('COMMIT');
    }
    return performance.now() - t0;
  }

  /** Number of rows in the table. */
  async count(): Promise<number> {
    const r = await this.db.query('SELECT count(*) FROM items');
    return Number(r[0]?.[0] ?? 0);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * cr-sqlite's merge, as Corrosion does it: read `crsql_changes` of the source one db_version
 * (one source transaction) at a time and insert those rows into the target's
 * `crsql_changes` in one transaction. Returns elapsed ms (reads and writes both counted) and
 * the number of column changes moved.
 */
export async function mergeAll(
  from: WasmWorkload,
  to: WasmWorkload,
): Promise<{ ms: number; changes: number }> {
  const versions = (
    await from.db.query('SELECT DISTINCT db_version FROM crsql_changes ORDER BY db_version')
  ).map((r) => r[0] as WasmValue);
  const pull = await from.db.prepare(`SELECT ${CHANGE_COLS} FROM crsql_changes WHERE db_version = ?`);
  const push = await to.db.prepare(
    `INSERT INTO crsql_changes (${CHANGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let changes = 0;
  const t0 = performance.now();
  for (const v of versions) {
    const rows = await pull.all([v]);
    await to.db.exec('BEGIN');
    for (const r of rows) await push.all(r);
    await to.db.exec('COMMIT');
    changes += rows.length;
  }
  const ms = performance.now() - t0;
  await pull.finalize();
  await push.finalize();
  return { ms, changes };
}
