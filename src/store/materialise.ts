import type { Database, Statement } from 'better-sqlite3';
import type { CrdtDoc } from '../crdt/automerge-doc.js';
import { isPresent } from '../crdt/causal-length.js';
import type { SqlValue } from '../crdt/cell.js';
import { decodeRowKey } from '../crdt/row-key.js';
import { readRow } from '../crdt/row-ops.js';
import type { RowValue } from '../crdt/row-value.js';
import type { TableInfo } from './schema.js';
import { quoteIdent } from './sql-text.js';

/**
 * Writes rows from documents into the user's tables. The result depends only on the document
 * state (equal Automerge state gives equal rows): a present row is upserted with every column the
 * document holds for its winning incarnation; a column the document never held keeps its SQL
 * DEFAULT (it can only be a column added by a migration after the row was last written); an
 * absent row is deleted.
 */
export class Materialiser {
  private readonly upserts = new Map<string, Statement>();
  private readonly deletes = new Map<string, Statement>();
  private readonly selects = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  /** Forgets prepared statements (after a schema change). */
  reset(): void {
    this.upserts.clear();
    this.deletes.clear();
    this.selects.clear();
  }

  /**
   * Makes the SQL row of `rowKey` match the document. `pk` is the key's decoded values when the
   * caller has them (decoding again cost ~10% of remote apply).
   */
  materialise(table: TableInfo, doc: CrdtDoc, rowKey: string, pk?: readonly SqlValue[]): void {
    this.write(
      table,
      pk ?? decodeRowKey(rowKey, table.primaryKey.length),
      readRow(doc, rowKey, table.valueColumns.length),
    );
  }

  /**
   * Makes the SQL row of `pk` match `row`, the merged document value of its key (`undefined`
   * when never written).
   */
  write(table: TableInfo, pk: readonly SqlValue[], row: RowValue | undefined): void {
    if (!row || !isPresent(row.cl)) {
      this.deleteStmt(table).run(...pk);
      return;
    }
    const present: string[] = [];
    const values: SqlValue[] = [...pk];
    let mask = '';
    for (let i = 0; i < table.valueColumns.length; i++) {
      const c = row.cols[i];
      if (c === undefined) {
        mask += '0';
        continue;
      }
      mask += '1';
      present.push(table.valueColumns[i] as string);
      values.push(c.value);
    }
    this.upsertStmt(table, mask, present).run(...values);
  }

  /** The current SQL row of a key as non-key values in `valueColumns` order, or `undefined`. */
  readSqlRow(table: TableInfo, pk: readonly SqlValue[]): SqlValue[] | undefined {
    let s = this.selects.get(table.name);
    if (!s) {
      const cols = table.valueColumns.length > 0 ? table.valueColumns.map(quoteIdent).join(', ') : '1';
      s = this.db
        .prepare(`SELECT ${cols} FROM ${quoteIdent(table.name)} WHERE ${where(table)}`)
        .safeIntegers(true)
        .raw(true);
      this.selects.set(table.name, s);
    }
    const r = s.get(...pk) as SqlValue[] | undefined;
    if (r === undefined) return undefined;
    return table.valueColumns.length > 0 ? r : [];
  }

  private deleteStmt(table: TableInfo): Statement {
    let s = this.deletes.get(table.name);
    if (!s) {
      s = this.db.prepare(`DELETE FROM ${quoteIdent(table.name)} WHERE ${where(table)}`);
      this.deletes.set(table.name, s);
    }
    return s;
  }

  private upsertStmt(table: TableInfo, mask: string, present: readonly string[]): Statement {
    const id = `${table.name}\u0000${mask}`;
    let s = this.upserts.get(id);
    if (!s) {
      const cols = [...table.primaryKey, ...present];
      const conflict = table.primaryKey.map(quoteIdent).join(', ');
      // A column missing from the document gets its DEFAULT on update too, so the result does
      // not depend on what the SQL row held before (a re-inserted row must not keep old values).
      const sets = table.valueColumns.map((c) => {
        if (present.includes(c)) return `${quoteIdent(c)} = excluded.${quoteIdent(c)}`;
        const def = table.columns.find((x) => x.name === c)?.defaultSql ?? null;
        return `${quoteIdent(c)} = ${def === null ? 'NULL' : `(${def})`}`;
      });
      const action = sets.length > 0 ? `DO UPDATE SET ${sets.join(', ')}` : 'DO NOTHING';
      s = this.db.prepare(
        `INSERT INTO ${quoteIdent(table.name)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (${conflict}) ${action}`,
      );
      this.upserts.set(id, s);
    }
    return s;
  }
}

function where(table: TableInfo): string {
  return table.primaryKey.map((c) => `${quoteIdent(c)} = ?`).join(' AND ');
}
