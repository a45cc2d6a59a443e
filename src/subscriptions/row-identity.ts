import { primaryKey } from './tables-read.js';
import type { ReadColumn, ReadDb } from './types.js';

/**
 * How a subscription tells "the same row" across two runs of its query, so that a changed
 * column becomes an `update` of the same rowid rather than a delete and an insert.
 *
 * When every table that contributes a result column has all its primary key columns in the
 * result, the identity is those key values (columns changed elsewhere give an `update`).
 * Otherwise (aggregates, expressions, keys not selected) the identity is the whole row. Either
 * way duplicates are told apart by their occurrence number, so any result multiset works.
 */
export function identityColumns(db: ReadDb, columns: readonly ReadColumn[]): number[] | null {
  const byTable = new Map<string, Map<string, number>>();
  columns.forEach((c, i) => {
    if (c.table === null || c.column === null) return;
    let cols = byTable.get(c.table);
    if (!cols) {
      cols = new Map();
      byTable.set(c.table, cols);
    }
    if (!cols.has(c.column)) cols.set(c.column, i);
  });
  if (byTable.size === 0) return null;
  const out: number[] = [];
  for (const [table, cols] of byTable) {
    const pk = primaryKey(db, table);
    if (pk.length === 0) return null;
    for (const k of pk) {
      const idx = cols.get(k);
      if (idx === undefined) return null;
      out.push(idx);
    }
  }
  return out.sort((a, b) => a - b);
}

/** A stable text key of cell values (blobs and bigints included). */
export function cellsKey(cells: readonly unknown[]): string {
  return JSON.stringify(cells, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return { b: Buffer.from(v).toString('base64') };
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  });
}

/**
 * Identity keys of a result, in row order: the identity columns' values (or the whole row),
 * suffixed with the occurrence number among equal identities.
 */
export function identityKeys(
  rows: readonly (readonly unknown[])[],
  idCols: readonly number[] | null,
): string[] {
  const seen = new Map<string, number>();
  return rows.map((cells) => {
    const base = cellsKey(idCols ? idCols.map((i) => cells[i]) : cells);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}#${n}`;
  });
}
