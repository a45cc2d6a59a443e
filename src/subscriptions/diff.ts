import { cellsKey, identityKeys } from './row-identity.js';
import type { ChangeType } from './types.js';

/** A subscription's current result: identity key -> rowid and cells. */
export type ResultRows = Map<string, { readonly rowid: number; readonly cells: readonly unknown[] }>;

/** One row change produced by {@link diffResult}. */
export interface RowChange {
  readonly type: ChangeType;
  readonly rowid: number;
  readonly cells: readonly unknown[];
}

/**
 * Compares the previous result with a fresh run of the query and updates `current` in place.
 * Returns the changes in a deterministic order: deletes (by rowid), updates, then inserts (in
 * query order). New rows get rowids from `nextRowid()`. Pure apart from `current`.
 */
export function diffResult(
  current: ResultRows,
  rows: readonly (readonly unknown[])[],
  idCols: readonly number[] | null,
  nextRowid: () => number,
): RowChange[] {
  const keys = identityKeys(rows, idCols);
  const fresh = new Map<string, readonly unknown[]>();
  keys.forEach((k, i) => {
    fresh.set(k, rows[i] as readonly unknown[]);
  });
  const deletes: RowChange[] = [];
  const updates: RowChange[] = [];
  const inserts: RowChange[] = [];
  for (const [key, old] of current) {
    if (!fresh.has(key)) {
      deletes.push({ type: 'delete', rowid: old.rowid, cells: old.cells });
      current.delete(key);
    }
  }
  for (const [key, cells] of fresh) {
    const old = current.get(key);
    if (!old) {
      const rowid = nextRowid();
      current.set(key, { rowid, cells });
      inserts.push({ type: 'insert', rowid, cells });
    } else if (cellsKey(old.cells) !== cellsKey(cells)) {
      current.set(key, { rowid: old.rowid, cells });
      updates.push({ type: 'update', rowid: old.rowid, cells });
    }
  }
  deletes.sort((a, b) => a.rowid - b.rowid);
  updates.sort((a, b) => a.rowid - b.rowid);
  return [...deletes, ...updates, ...inserts];
}
