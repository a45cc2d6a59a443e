import type { CrdtDatatype, CrdtScalar } from './automerge-doc.js';

/**
 * A value as SQLite stores it and as corro reads it (better-sqlite3 with safe integers):
 * INTEGER is a bigint, REAL a number, TEXT a string, BLOB a Buffer/Uint8Array, NULL null.
 */
export type SqlValue = bigint | number | string | Uint8Array | null;

// Automerge's JS bindings cannot decode an int beyond 2^53, and plain strings would otherwise be
// the only encoding left for such values. Escape: a string starting with NUL carries a tag.
const ESC = '\u0000';

/**
 * Maps a SQLite value to an explicitly typed Automerge scalar. The type comes from SQLite's
 * storage class, so an INTEGER stays an int and a REAL stays an f64 after a round trip; strings
 * are immutable scalars, never character-level Text.
 */
export function toCrdt(v: SqlValue): [number | string | Uint8Array | null, CrdtDatatype] {
  if (v === null) return [null, 'null'];
  if (typeof v === 'bigint') {
    if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER))
      return [Number(v), 'int'];
    return [`${ESC}i${v.toString()}`, 'str'];
  }
  if (typeof v === 'number') return [v, 'f64'];
  if (typeof v === 'string') return [v.charCodeAt(0) === 0 ? `${ESC}s${v}` : v, 'str'];
  return [new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 'bytes'];
}

/** Maps a typed Automerge scalar back to the value SQLite will store (inverse of {@link toCrdt}). */
export function fromCrdt(s: CrdtScalar): SqlValue {
  switch (s[0]) {
    case 'int':
      return BigInt(s[1]);
    case 'f64':
      return s[1];
    case 'str': {
      const str = s[1];
      if (str.charCodeAt(0) !== 0) return str;
      if (str[1] === 'i' && INT_RE.test(str.slice(2))) return BigInt(str.slice(2));
      return str.slice(2);
    }
    case 'bytes':
      return Buffer.from(s[1]);
    case 'null':
      return null;
  }
}

const INT_RE = /^-?\d{1,19}$/;

/**
 * Whether an escaped string written by a peer is well formed (`\0i<int64>` or `\0s<text>`);
 * a plain string (not starting with NUL) is always valid.
 */
export function isValidCrdtString(str: string): boolean {
  if (str.charCodeAt(0) !== 0) return true;
  if (str[1] === 's') return true;
  if (str[1] !== 'i') return false;
  const digits = str.slice(2);
  if (!INT_RE.test(digits)) return false;
  const n = BigInt(digits);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** Exact equality of two SQLite values, storage class included (1 and 1.0 differ). */
export function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return false;
}
