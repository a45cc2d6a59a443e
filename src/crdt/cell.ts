/**
 * A value as SQLite stores it and as corro reads it (better-sqlite3 with safe integers):
 * INTEGER is a bigint, REAL a number, TEXT a string, BLOB a Buffer/Uint8Array, NULL null.
 */
export type SqlValue = bigint | number | string | Uint8Array | null;

/** Exact equality of two SQLite values, storage class included (1 and 1.0 differ). */
export function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return false;
}
