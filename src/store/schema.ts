import type { Database as Db } from 'better-sqlite3';
import Database from 'better-sqlite3';
import { SchemaError } from './errors.js';
import { columnDefinitions, quoteIdent, splitStatements, stripComments } from './sql-text.js';

/** One column of a replicated table. */
export interface ColumnInfo {
  readonly name: string;
  /** Declared type as written (may be empty). */
  readonly type: string;
  readonly notNull: boolean;
  /** The DEFAULT expression as SQL text, or `null`. */
  readonly defaultSql: string | null;
  /** 1-based position in the primary key, 0 when not a key column. */
  readonly pk: number;
}

/** A replicated table as corro sees it. */
export interface TableInfo {
  readonly name: string;
  /** Columns in declaration order. */
  readonly columns: readonly ColumnInfo[];
  /** Primary key column names in key order. */
  readonly primaryKey: readonly string[];
  /** Non-key column names in declaration order (what the documents hold per row). */
  readonly valueColumns: readonly string[];
  /** Column definitions as written, by name (for `ALTER TABLE ADD COLUMN`). */
  readonly definitions: ReadonlyMap<string, string>;
}

/** A secondary index. */
export interface IndexInfo {
  readonly name: string;
  readonly table: string;
  readonly sql: string;
}

/** A validated schema. */
export interface Schema {
  readonly tables: readonly TableInfo[];
  readonly indexes: readonly IndexInfo[];
  /** The statements, in order, to create it on an empty database. */
  readonly statements: readonly string[];
}

/** Names reserved for corro's own tables and triggers (and SQLite's). */
export function isReservedName(name: string): boolean {
  return /^(__corro|sqlite_)/i.test(name);
}

const ALLOWED = /^CREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX)\b/i;

/**
 * Parses and validates schema text: only `CREATE TABLE` / `CREATE INDEX`, and Corrosion's rules
 * (a NOT NULL primary key, no UNIQUE besides the key, no foreign keys, a DEFAULT for every
 * NOT NULL column). SQLite parses the statements in a scratch in-memory database, so the rules
 * are checked on what SQLite understood, not on a home-made parser. Throws {@link SchemaError}.
 */
export function parseSchema(schema: string | readonly string[]): Schema {
  const texts = typeof schema === 'string' ? [schema] : schema;
  const statements = texts.flatMap((t) => splitStatements(t));
  const scratch = new Database(':memory:');
  try {
    for (const stmt of statements) {
      const bare = stripComments(stmt);
      if (/^CREATE\s+UNIQUE\s+INDEX\b/i.test(bare)) {
        throw new SchemaError(
          tableOfIndex(bare),
          'unique-index',
          `${firstLine(bare)}: UNIQUE indexes besides the primary key are not allowed (rows merge per column; a unique index would reject merged rows). Use a plain index.`,
        );
      }
      if (!ALLOWED.test(bare) || /^CREATE\s+(TEMP|TEMPORARY|VIRTUAL)\b/i.test(bare)) {
        throw new SchemaError(
          '',
          'statement',
          `${firstLine(bare)}: a schema holds only CREATE TABLE and CREATE INDEX statements`,
        );
      }
      try {
        scratch.exec(stmt);
      } catch (e) {
        throw new SchemaError(
          '',
          'syntax',
          `${firstLine(bare)}: SQLite rejected it: ${(e as Error).message}`,
        );
      }
    }
    const reserved = scratch
      .prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%'")
      .pluck()
      .all() as string[];
    for (const name of reserved) {
      if (isReservedName(name)) {
        throw new SchemaError(
          name,
          'reserved-name',
          `${name}: names starting with __corro or sqlite_ are reserved`,
        );
      }
    }
    const found = introspect(scratch);
    for (const t of found.tables) validateTable(scratch, t);
    return { ...found, statements };
  } finally {
    scratch.close();
  }
}

function firstLine(sql: string): string {
  const one = sql.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

function tableOfIndex(sql: string): string {
  const m = /\bON\s+("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[^\s(]+)/i.exec(sql);
  return m ? (m[1] as string).replace(/^["`[]|["`\]]$/g, '') : '';
}

interface RawColumn {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

/** Reads the user tables and indexes of a database (everything not reserved). */
export function introspect(db: Db): { tables: TableInfo[]; indexes: IndexInfo[] } {
  const rows = db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table','index') ORDER BY name",
    )
    .all() as { type: string; name: string; tbl_name: string; sql: string | null }[];
  const tables: TableInfo[] = [];
  const indexes: IndexInfo[] = [];
  for (const r of rows) {
    if (isReservedName(r.name) || isReservedName(r.tbl_name)) continue;
    if (r.type === 'index') {
      if (r.sql !== null) indexes.push({ name: r.name, table: r.tbl_name, sql: r.sql });
      continue;
    }
    const cols = db.prepare(`PRAGMA table_xinfo(${quoteIdent(r.name)})`).all() as RawColumn[];
    for (const c of cols) {
      if (c.hidden !== 0) {
        throw new SchemaError(
          r.name,
          'generated-column',
          `table ${r.name}: generated and hidden columns are not supported (column ${c.name})`,
        );
      }
    }
    const columns: ColumnInfo[] = cols.map((c) => ({
      name: c.name,
      type: c.type,
      notNull: c.notnull !== 0,
      defaultSql: c.dflt_value,
      pk: c.pk,
    }));
    const primaryKey = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    tables.push({
      name: r.name,
      columns,
      primaryKey,
      valueColumns: columns.filter((c) => c.pk === 0).map((c) => c.name),
      definitions: columnDefinitions(r.sql ?? ''),
    });
  }
  return { tables, indexes };
}

function validateTable(db: Db, t: TableInfo): void {
  if (isReservedName(t.name)) {
    throw new SchemaError(
      t.name,
      'reserved-name',
      `table ${t.name}: names starting with __corro or sqlite_ are reserved`,
    );
  }
  if (t.primaryKey.length === 0) {
    throw new SchemaError(
      t.name,
      'primary-key',
      `table ${t.name}: every replicated table needs a PRIMARY KEY (single or composite) whose columns are NOT NULL`,
    );
  }
  const rowidAlias =
    t.primaryKey.length === 1 && t.columns.find((c) => c.pk === 1)?.type.toUpperCase() === 'INTEGER';
  for (const c of t.columns) {
    if (c.pk > 0 && !c.notNull && !rowidAlias) {
      throw new SchemaError(
        t.name,
        'primary-key',
        `table ${t.name}: primary key column ${c.name} must be declared NOT NULL`,
      );
    }
    if (c.pk === 0 && c.notNull && c.defaultSql === null) {
      throw new SchemaError(
        t.name,
        'not-null-default',
        `table ${t.name}: NOT NULL column ${c.name} needs a DEFAULT (a row merged from peers may not carry it yet)`,
      );
    }
  }
  const fks = db.prepare(`PRAGMA foreign_key_list(${quoteIdent(t.name)})`).all();
  if (fks.length > 0) {
    throw new SchemaError(
      t.name,
      'foreign-key',
      `table ${t.name}: FOREIGN KEY constraints are not allowed (rows arrive from peers in any order)`,
    );
  }
  const idx = db.prepare(`PRAGMA index_list(${quoteIdent(t.name)})`).all() as {
    name: string;
    unique: number;
    origin: string;
  }[];
  for (const i of idx) {
    if (i.origin !== 'pk' && i.unique !== 0) {
      throw new SchemaError(
        t.name,
        'unique-index',
        `table ${t.name}: UNIQUE constraint or index ${i.name} besides the primary key is not allowed (rows merge per column; a unique index would reject merged rows)`,
      );
    }
  }
}
