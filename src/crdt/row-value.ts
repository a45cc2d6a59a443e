import type { SqlValue } from './cell.js';

/**
 * The value stored in a document for one row: its causal length and, for a present row, every
 * non-key column with a per-column version (as cr-sqlite's `col_version`). One Automerge put per
 * written row, instead of one per column, measured 1.7x faster on this machine class and keeps
 * fewer ops in memory (docs/architecture.md, "Row values"). Values keep SQLite's storage class
 * through explicit tags (an INTEGER stays a 64-bit integer, a REAL a double, TEXT is an immutable
 * string, never Automerge Text).
 *
 * Binary layout (all integers unsigned LEB128 unless noted):
 * `format(=1) cl ncols { tag [payload] [version] }*ncols`
 * tags: 0 absent (no payload, no version), 1 NULL, 2 INTEGER (8-byte signed LE), 3 REAL (8-byte
 * double LE), 4 TEXT (length + UTF-8), 5 BLOB (length + bytes).
 */

/** One column of a row value; `undefined` in {@link RowValue.cols} means never written. */
export interface ColumnValue {
  readonly value: SqlValue;
  /** Per-column version: 1 when the incarnation started, +1 at every local change of the column. */
  readonly version: number;
}

/** A decoded row value. */
export interface RowValue {
  /** Causal length: odd = present, even = deleted. */
  readonly cl: number;
  /** Column values by position in the table's non-key columns (empty when deleted). */
  readonly cols: readonly (ColumnValue | undefined)[];
}

/** Thrown when bytes from a peer are not a valid row value. */
export class RowValueError extends Error {
  override readonly name = 'RowValueError';
}

const FORMAT = 1;
/** Largest encoded TEXT or BLOB accepted in a row value (16 MiB). */
export const MAX_CELL_BYTES = 16 * 1024 * 1024;

class Writer {
  buf = Buffer.allocUnsafe(64);
  len = 0;
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  uint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.len++] = n;
  }
  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

/** Encodes a row value. */
export function encodeRowValue(row: RowValue): Uint8Array {
  const w = new Writer();
  w.byte(FORMAT);
  w.uint(row.cl);
  w.uint(row.cols.length);
  for (const c of row.cols) {
    if (c === undefined) {
      w.byte(0);
      continue;
    }
    const v = c.value;
    if (v === null) w.byte(1);
    else if (typeof v === 'bigint') {
      w.byte(2);
      w.ensure(8);
      w.buf.writeBigInt64LE(v, w.len);
      w.len += 8;
    } else if (typeof v === 'number') {
      w.byte(3);
      w.ensure(8);
      w.buf.writeDoubleLE(v, w.len);
      w.len += 8;
    } else if (typeof v === 'string') {
      w.byte(4);
      w.bytes(Buffer.from(v, 'utf8'));
    } else {
      w.byte(5);
      w.bytes(v);
    }
    w.uint(c.version);
  }
  return new Uint8Array(w.buf.subarray(0, w.len));
}

/**
 * Decodes a row value strictly: throws {@link RowValueError} on a bad format, tag, length,
 * version, causal length, trailing bytes, or more than `maxCols` columns.
 */
export function decodeRowValue(bytes: Uint8Array, maxCols: number): RowValue {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  const need = (n: number) => {
    if (p + n > b.length) throw new RowValueError('row value truncated');
  };
  const uint = (): number => {
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      need(1);
      const x = b[p++] as number;
      n += (x & 0x7f) * mul;
      if (x < 0x80) {
        if (!Number.isSafeInteger(n)) throw new RowValueError('integer too large in row value');
        return n;
      }
      mul *= 0x80;
    }
    throw new RowValueError('integer too long in row value');
  };
  need(1);
  if (b[p++] !== FORMAT) throw new RowValueError('unknown row value format');
  const cl = uint();
  if (cl < 1) throw new RowValueError('causal length must be >= 1');
  const n = uint();
  if (n > maxCols)
    throw new RowValueError(`row value has ${n} columns, the table has ${maxCols} (unknown column)`);
  const cols: (ColumnValue | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    need(1);
    const tag = b[p++];
    let value: SqlValue;
    switch (tag) {
      case 0:
        cols.push(undefined);
        continue;
      case 1:
        value = null;
        break;
      case 2:
        need(8);
        value = b.readBigInt64LE(p);
        p += 8;
        break;
      case 3:
        need(8);
        value = b.readDoubleLE(p);
        p += 8;
        if (Number.isNaN(value)) throw new RowValueError('NaN is not a SQLite value');
        break;
      case 4:
      case 5: {
        const len = uint();
        if (len > MAX_CELL_BYTES) throw new RowValueError('cell too large');
        need(len);
        const slice = b.subarray(p, p + len);
        p += len;
        if (tag === 4) {
          value = slice.toString('utf8');
          if (Buffer.byteLength(value, 'utf8') !== len) throw new RowValueError('invalid UTF-8 in row value');
        } else value = Buffer.from(slice);
        break;
      }
      default:
        throw new RowValueError(`unknown value tag ${String(tag)}`);
    }
    const version = uint();
    if (version < 1) throw new RowValueError('column version must be >= 1');
    cols.push({ value, version });
  }
  if (p !== b.length) throw new RowValueError('trailing bytes after row value');
  return { cl, cols };
}
