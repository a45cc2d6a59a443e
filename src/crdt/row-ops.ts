import type { CrdtDoc } from './automerge-doc.js';
import { isPresent } from './causal-length.js';
import type { SqlValue } from './cell.js';
import { mergeRowValues, planLocalWrite } from './row-merge.js';
import { decodeRowValue, encodeRowValue, type RowValue } from './row-value.js';

/**
 * The merged value of a row key in a document, or `undefined` when never written. Values that
 * fail to decode are skipped (they cannot be in a document: remote changes are validated first).
 */
export function readRow(doc: CrdtDoc, rowKey: string, width: number): RowValue | undefined {
  const all = doc.getAllBytes(rowKey);
  if (all.length === 0) return undefined;
  const values: RowValue[] = [];
  for (const b of all) {
    try {
      values.push(decodeRowValue(b, width));
    } catch {
      // unreachable for validated input; ignore rather than wedge the row
    }
  }
  if (values.length === 0) return undefined;
  const only = values[0];
  if (values.length === 1 && only && isPresent(only.cl)) return only;
  return mergeRowValues(values);
}

/**
 * Records in the document what a local transaction left in SQLite for one row (`row`: non-key
 * values in column order, or `undefined` when deleted). Returns whether a value was put.
 */
export function writeLocalRow(
  doc: CrdtDoc,
  rowKey: string,
  row: readonly SqlValue[] | undefined,
  width: number,
): boolean {
  const next = planLocalWrite(readRow(doc, rowKey, width), row);
  if (!next) return false;
  doc.putBytes(rowKey, encodeRowValue(next));
  return true;
}
