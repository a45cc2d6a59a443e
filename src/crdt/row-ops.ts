import type { CrdtDoc } from './automerge-doc.js';
import { afterDelete, afterInsert, isPresent, winningLength } from './causal-length.js';
import { fromCrdt, type SqlValue, sameValue, toCrdt } from './cell.js';
import { columnKey } from './row-key.js';

/** A row as the document holds it. `undefined` in `values` means the column was never written. */
export interface CrdtRow {
  /** Winning causal length (0 = never written). */
  readonly cl: number;
  /** Whether the row exists. */
  readonly present: boolean;
  /** Values of the requested columns for the winning incarnation (only when present). */
  readonly values: readonly (SqlValue | undefined)[];
}

/** The causal length of a row, reading every concurrent value. */
export function readCausalLength(doc: CrdtDoc, rowKey: string): number {
  const all = doc.getAll(rowKey);
  if (all.length === 0) return 0;
  const ints: number[] = [];
  for (const s of all) if (s[0] === 'int') ints.push(s[1]);
  return winningLength(ints);
}

/** Reads a row: existence from the causal length, then each column of the winning incarnation. */
export function readRow(doc: CrdtDoc, rowKey: string, columns: readonly string[]): CrdtRow {
  const cl = readCausalLength(doc, rowKey);
  if (!isPresent(cl)) return { cl, present: false, values: [] };
  const values: (SqlValue | undefined)[] = [];
  for (const c of columns) {
    const s = doc.get(columnKey(rowKey, cl, c));
    values.push(s === undefined ? undefined : fromCrdt(s));
  }
  return { cl, present: true, values };
}

/**
 * Records in the document what a local transaction left in SQLite for one row. `row` holds the
 * non-key column values in `columns` order, or is `undefined` when the row no longer exists.
 * Only what differs is written, so concurrent writes to other columns survive the merge.
 * Returns the number of puts made (0 when the document already agrees).
 */
export function writeLocalRow(
  doc: CrdtDoc,
  rowKey: string,
  columns: readonly string[],
  row: readonly SqlValue[] | undefined,
): number {
  const cl = readCausalLength(doc, rowKey);
  if (row === undefined) {
    const next = afterDelete(cl);
    if (next === cl) return 0;
    doc.put(rowKey, next, 'int');
    return 1;
  }
  let puts = 0;
  let gen = cl;
  const fresh = !isPresent(cl);
  if (fresh) {
    // A (re-)insert starts a new incarnation: every column is written under the new length.
    gen = afterInsert(cl);
    doc.put(rowKey, gen, 'int');
    puts++;
  }
  for (let i = 0; i < columns.length; i++) {
    const v = row[i] as SqlValue;
    const key = columnKey(rowKey, gen, columns[i] as string);
    if (!fresh) {
      const cur = doc.get(key);
      if (cur !== undefined && sameValue(fromCrdt(cur), v)) continue;
    }
    const [value, type] = toCrdt(v);
    doc.put(key, value, type);
    puts++;
  }
  return puts;
}
