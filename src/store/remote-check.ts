import { type ChangeInfo, decodeChangeInfo } from '../crdt/automerge-doc.js';
import { decodeRowKey, docIdFor } from '../crdt/row-key.js';
import { decodeRowValue } from '../crdt/row-value.js';
import { InvalidChangesetError } from './errors.js';
import type { TableInfo } from './schema.js';
import type { Changeset } from './types.js';

/** One row a validated change puts. */
export interface CheckedRow {
  /**
   * The value of the change's last put of this key, as Automerge decoded it (validated). Kept
   * as is and converted only when written: per-row copies and decoded keys for a whole call of
   * large changesets raised the applier's RSS per row at rest (measured, docs/architecture.md).
   */
  readonly value: unknown;
  /** Puts of this key in the change (a well-formed change has one). */
  readonly puts: number;
}

/** A document change that passed validation, with the rows it touches. */
export interface CheckedChange {
  readonly table: TableInfo;
  readonly doc: string;
  readonly data: Uint8Array;
  /** The change's hash and dependencies (its decoded ops are dropped after validation). */
  readonly info: Pick<ChangeInfo, 'hash' | 'deps'>;
  /** Rows whose SQL rows must be rematerialised after applying, by row key (decoded once here). */
  readonly rows: ReadonlyMap<string, CheckedRow>;
}

/**
 * Validates the content of a structurally valid changeset against the schema before anything is
 * touched: every change decodes, is authored by the changeset's actor, and only puts well-formed
 * row values (no more columns than the table has) at canonical row keys of the right arity, in
 * the document the row key hashes to. Throws {@link InvalidChangesetError} naming the changeset
 * and the problem.
 */
export function checkChangeset(cs: Changeset, tables: ReadonlyMap<string, TableInfo>): CheckedChange[] {
  const where = `changeset ${cs.actor}/${cs.version}`;
  const out: CheckedChange[] = [];
  for (const c of cs.changes) {
    const table = tables.get(c.table);
    if (!table)
      throw new InvalidChangesetError(`${where}: unknown table ${c.table} (migrate the schema first)`);
    let info: ChangeInfo;
    try {
      info = decodeChangeInfo(c.data);
    } catch (e) {
      throw new InvalidChangesetError(`${where}: ${(e as Error).message}`);
    }
    if (info.actor !== cs.actor)
      throw new InvalidChangesetError(`${where}: change authored by another actor ${info.actor}`);
    const rows = new Map<string, CheckedRow>();
    for (const op of info.ops) {
      if (op.obj !== '_root' || op.action !== 'set') {
        throw new InvalidChangesetError(`${where}: unsupported operation ${op.action} on ${op.obj}`);
      }
      let row: CheckedRow;
      try {
        decodeRowKey(op.key, table.primaryKey.length);
        const bytes = toBytes(op.value);
        if (!bytes || (op.datatype !== undefined && op.datatype !== 'bytes'))
          throw new Error('row value must be bytes');
        decodeRowValue(bytes, table.valueColumns.length);
        row = { value: op.value, puts: (rows.get(op.key)?.puts ?? 0) + 1 };
      } catch (e) {
        throw new InvalidChangesetError(`${where}: bad row in table ${c.table}: ${(e as Error).message}`);
      }
      if (docIdFor(op.key) !== c.doc)
        throw new InvalidChangesetError(`${where}: row stored in the wrong document`);
      rows.set(op.key, row);
    }
    out.push({ table, doc: c.doc, data: c.data, info: { hash: info.hash, deps: info.deps }, rows });
  }
  return out;
}

// Automerge's decodeChange gives bytes values as arrays of numbers; one tight loop (the
// `every` + `Uint8Array.from` version was ~10% of applying single-row changesets).
/** A validated row value's bytes (see {@link CheckedRow.value}). */
export function toBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (!Array.isArray(v)) return undefined;
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const b: unknown = v[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return undefined;
    out[i] = b;
  }
  return out;
}
