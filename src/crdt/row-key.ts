import type { SqlValue } from './cell.js';

/**
 * Where a row lives inside a table's documents. Rows are spread over {@link DOCS_PER_TABLE}
 * documents by a stable hash of the primary key, so no document is loaded per row (DESIGN.md:
 * ~16 KB and ~1.3 ms per loaded document) and no single document holds a whole large table.
 *
 * Inside a document each row is one key (its canonical primary key text) whose value holds the
 * causal length and the columns (see `row-value.ts`).
 */

/**
 * Number of documents per table. Part of the wire format: every peer must use the same value,
 * because a row's document is derived from its key. Changing it is a breaking change.
 */
export const DOCS_PER_TABLE = 16;

/** Thrown when a row key or document key written by a peer is malformed. */
export class RowKeyError extends Error {
  override readonly name = 'RowKeyError';
}

/**
 * Canonical text of a primary key tuple. Values SQLite considers equal get the same text
 * (an integral REAL and the INTEGER of the same value both encode as `i<n>`).
 */
export function encodeRowKey(pk: readonly SqlValue[]): string {
  const parts: string[] = [];
  for (const v of pk) parts.push(tag(v));
  return JSON.stringify(parts);
}

function tag(v: SqlValue): string {
  if (v === null) return 'n';
  if (typeof v === 'bigint') return `i${v.toString()}`;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? `i${v === 0 ? 0 : v}` : `f${String(v)}`;
  if (typeof v === 'string') return `s${v}`;
  return `b${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
}

const INT_RE = /^-?\d{1,19}$/;
// Computed once: `2n ** 63n` per call was a measurable share of remote apply.
const INT_MIN = -(2n ** 63n);
const INT_MAX_EXCL = 2n ** 63n;
const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/**
 * Parses a row key back into values to bind in SQL. Strict: throws {@link RowKeyError} unless the
 * key is exactly what {@link encodeRowKey} produces for `arity` values.
 */
export function decodeRowKey(rowKey: string, arity: number): SqlValue[] {
  let parts: unknown;
  try {
    parts = JSON.parse(rowKey);
  } catch {
    throw new RowKeyError('row key is not JSON');
  }
  if (!Array.isArray(parts) || parts.length !== arity)
    throw new RowKeyError(`row key must hold ${arity} values`);
  const out: SqlValue[] = [];
  for (const p of parts) {
    if (typeof p !== 'string' || p.length === 0)
      throw new RowKeyError('row key value must be a tagged string');
    const body = p.slice(1);
    switch (p[0]) {
      case 'i': {
        if (!INT_RE.test(body)) throw new RowKeyError('bad integer in row key');
        const n = BigInt(body);
        if (n < INT_MIN || n >= INT_MAX_EXCL) throw new RowKeyError('integer out of range in row key');
        out.push(n);
        break;
      }
      case 'f': {
        const n = Number(body);
        if (body === '' || Number.isNaN(n) || String(n) !== body || Number.isSafeInteger(n)) {
          throw new RowKeyError('bad real in row key');
        }
        out.push(n);
        break;
      }
      case 's':
        out.push(body);
        break;
      case 'b':
        if (!HEX_RE.test(body)) throw new RowKeyError('bad blob in row key');
        out.push(Buffer.from(body, 'hex'));
        break;
      case 'n':
        if (body !== '') throw new RowKeyError('bad null in row key');
        out.push(null);
        break;
      default:
        throw new RowKeyError('unknown tag in row key');
    }
  }
  if (encodeRowKey(out) !== rowKey) throw new RowKeyError('row key is not canonical');
  return out;
}

/** The document (`"00"`..`"0f"`) holding a row: FNV-1a over the key's UTF-16 units, mod {@link DOCS_PER_TABLE}. */
export function docIdFor(rowKey: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < rowKey.length; i++) {
    h ^= rowKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % DOCS_PER_TABLE).toString(16).padStart(2, '0');
}

/** Whether `doc` is a valid document id. */
export function isDocId(doc: string): boolean {
  return /^[0-9a-f]{2}$/.test(doc) && Number.parseInt(doc, 16) < DOCS_PER_TABLE;
}
