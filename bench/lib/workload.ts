/**
 * The write workload shared by the store comparisons (bench/crsqlite.ts, bench/scaling-store.ts):
 * one table of four columns, written with an upsert, the statement shape a host agent uses to
 * publish its state. Every implementation runs exactly these statements with these values.
 */

/** The table every implementation creates (a valid corro schema: NOT NULL key, nullable columns). */
export const TABLE_SQL = 'CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, name TEXT, n INTEGER, v REAL)';

/** The upsert, with positional parameters `[id, name, n, v]`. */
export const UPSERT_SQL =
  'INSERT INTO items (id, name, n, v) VALUES (?, ?, ?, ?) ' +
  'ON CONFLICT (id) DO UPDATE SET name = excluded.name, n = excluded.n, v = excluded.v';

/** Parameters of the upsert for row `id` at write `round` (round 0 inserts, later rounds update). */
export function rowParams(id: number, round = 0): [number, string, number, number] {
  return [id, `item-${id}-r${round}`, id * 7 + round, id / 3 + round];
}

/** Workload sizes for a run. */
export interface WorkloadSize {
  /** Number of single-row transactions. */
  singleTx: number;
  /** Number of batched transactions. */
  batches: number;
  /** Rows per batched transaction. */
  batchRows: number;
  /** Repetitions; each figure is the median over them. */
  runs: number;
}

/** An update of one column of one row, parameters `[n, id]`: the history-growth workload. */
export const UPDATE_ONE_SQL = 'UPDATE items SET n = ? WHERE id = ?';
