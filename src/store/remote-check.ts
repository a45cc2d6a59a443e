import { type ChangeInfo, decodeChangeInfo } from '../crdt/automerge-doc.js';
import { isValidCrdtString } from '../crdt/cell.js';
import { decodeRowKey, docIdFor, parseDocKey } from '../crdt/row-key.js';
import { InvalidChangesetError } from './errors.js';
import type { TableInfo } from './schema.js';
import type { Changeset } from './types.js';

/** A document change that passed validation, with the rows it touches. */
export interface CheckedChange {
  readonly table: TableInfo;
  readonly doc: string;
  readonly data: Uint8Array;
  readonly info: ChangeInfo;
  /** Row keys whose SQL rows must be rematerialised after applying. */
  readonly rowKeys: ReadonlySet<string>;
}

/**
 * Validates the content of a structurally valid changeset against the schema before anything is
 * touched: every change decodes, is authored by the changeset's actor, and only puts typed
 * scalars at well-formed keys of known columns, in the document the row key hashes to.
 * Throws {@link InvalidChangesetError} naming the changeset and the problem.
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
    const rowKeys = new Set<string>();
    for (const op of info.ops) {
      if (op.obj !== '_root' || op.action !== 'set') {
        throw new InvalidChangesetError(`${where}: unsupported operation ${op.action} on ${op.obj}`);
      }
      let key: ReturnType<typeof parseDocKey>;
      try {
        key = parseDocKey(op.key);
        decodeRowKey(key.rowKey, table.primaryKey.length);
      } catch (e) {
        throw new InvalidChangesetError(`${where}: bad key in table ${c.table}: ${(e as Error).message}`);
      }
      if (docIdFor(key.rowKey) !== c.doc)
        throw new InvalidChangesetError(`${where}: row stored in the wrong document`);
      if (key.kind === 'cl') {
        if (
          op.datatype !== 'int' ||
          typeof op.value !== 'number' ||
          !Number.isSafeInteger(op.value) ||
          op.value < 1
        ) {
          throw new InvalidChangesetError(`${where}: causal length must be a positive int`);
        }
      } else {
        if (!table.valueColumns.includes(key.column)) {
          throw new InvalidChangesetError(
            `${where}: unknown column ${key.column} of table ${c.table} (migrate the schema first)`,
          );
        }
        checkValue(where, op.datatype, op.value);
      }
      rowKeys.add(key.rowKey);
    }
    out.push({ table, doc: c.doc, data: c.data, info, rowKeys });
  }
  return out;
}

function checkValue(where: string, datatype: string | undefined, value: unknown): void {
  switch (datatype) {
    case 'int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return;
      break;
    case 'float64':
    case 'f64':
      if (typeof value === 'number') return;
      break;
    case undefined:
    case 'str':
    case 'bytes':
    case 'null':
      if (value === null) return;
      if (typeof value === 'string' && isValidCrdtString(value)) return;
      if (value instanceof Uint8Array) return;
      if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) return;
      break;
  }
  throw new InvalidChangesetError(`${where}: unsupported value of type ${datatype ?? typeof value}`);
}
