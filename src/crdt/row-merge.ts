import { isPresent, winningLength } from './causal-length.js';
import { type SqlValue, sameValue } from './cell.js';
import type { ColumnValue, RowValue } from './row-value.js';

/**
 * Merges the concurrent values Automerge holds for one row key into the row to materialise.
 * Pure and deterministic: the input is every conflicting value in Automerge's op order (the
 * same on every peer holding the same changes), so equal Automerge state gives equal rows.
 *
 * - Existence: the largest causal length wins (odd = present).
 * - Columns: among values of the winning incarnation only, each column takes the value with the
 *   highest column version; equal versions are broken by Automerge's order (later op wins).
 *   So concurrent writes to different columns of one row both survive.
 */
export function mergeRowValues(values: readonly RowValue[]): RowValue {
  const cl = winningLength(values.map((v) => v.cl));
  if (!isPresent(cl)) return { cl, cols: [] };
  const live = values.filter((v) => v.cl === cl);
  let width = 0;
  for (const v of live) width = Math.max(width, v.cols.length);
  const cols: (ColumnValue | undefined)[] = [];
  for (let i = 0; i < width; i++) {
    let best: ColumnValue | undefined;
    for (const v of live) {
      const c = v.cols[i];
      if (c !== undefined && (best === undefined || c.version >= best.version)) best = c;
    }
    cols.push(best);
  }
  return { cl, cols };
}

/**
 * The row value a local write must put, given the merged current value (`undefined` when the
 * key was never written) and what SQLite now holds (`row`: non-key values in column order, or
 * `undefined` when the row no longer exists). Returns `null` when nothing needs writing.
 * - a (re-)insert starts a new incarnation: next odd causal length, every column at version 1;
 * - an update bumps the version of each changed column and keeps the others;
 * - a delete moves to the next even causal length.
 */
export function planLocalWrite(
  current: RowValue | undefined,
  row: readonly SqlValue[] | undefined,
): RowValue | null {
  const cl = current?.cl ?? 0;
  if (row === undefined) return isPresent(cl) ? { cl: cl + 1, cols: [] } : null;
  if (!current || !isPresent(cl)) {
    return { cl: cl + 1, cols: row.map((value) => ({ value, version: 1 })) };
  }
  let changed = false;
  const cols: ColumnValue[] = [];
  for (let i = 0; i < row.length; i++) {
    const value = row[i] as SqlValue;
    const cur = current.cols[i];
    if (cur !== undefined && sameValue(cur.value, value)) {
      cols.push(cur);
      continue;
    }
    changed = true;
    cols.push({ value, version: (cur?.version ?? 0) + 1 });
  }
  return changed ? { cl, cols } : null;
}
