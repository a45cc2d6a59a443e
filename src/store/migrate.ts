import { MigrationError } from './errors.js';
import type { ColumnInfo, IndexInfo, Schema, TableInfo } from './schema.js';
import { quoteIdent } from './sql-text.js';

/**
 * The statements that take a database from `current` to `desired`, when the change is additive:
 * new tables, new nullable or defaulted columns appended at the end, new, changed or dropped
 * indexes (an index holds no data). Anything destructive (a dropped table or column, a changed
 * key, type, nullability or default, a column inserted before existing ones) throws
 * {@link MigrationError}; the caller then changes nothing. Pure: reads nothing, writes nothing.
 */
export function planMigration(
  current: { readonly tables: readonly TableInfo[]; readonly indexes: readonly IndexInfo[] },
  desired: Schema,
): string[] {
  if (current.tables.length === 0 && current.indexes.length === 0) return [...desired.statements];
  const out: string[] = [];
  const want = new Map(desired.tables.map((t) => [t.name, t]));
  for (const t of current.tables) {
    if (!want.has(t.name)) {
      throw new MigrationError(
        t.name,
        'drop-table',
        `table ${t.name} is missing from the new schema: dropping a replicated table is not supported; keep it in the schema`,
      );
    }
  }
  const wantIdx = new Map(desired.indexes.map((i) => [i.name, i]));
  const haveIdx = new Map(current.indexes.map((i) => [i.name, i]));
  for (const i of current.indexes) {
    const w = wantIdx.get(i.name);
    if (!w || norm(w.sql) !== norm(i.sql)) out.push(`DROP INDEX ${quoteIdent(i.name)}`);
  }
  const have = new Map(current.tables.map((t) => [t.name, t]));
  for (const t of desired.tables) {
    const old = have.get(t.name);
    if (!old) {
      const create = desired.statements.find((s) => createsTable(s, t.name));
      if (!create)
        throw new MigrationError(
          t.name,
          'internal',
          `table ${t.name}: its CREATE TABLE statement was not found`,
        );
      out.push(create);
      continue;
    }
    out.push(...alterTable(old, t));
  }
  for (const i of desired.indexes) {
    const h = haveIdx.get(i.name);
    if (!h || norm(h.sql) !== norm(i.sql)) out.push(i.sql);
  }
  return out;
}

function norm(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().toLowerCase();
}

function createsTable(stmt: string, name: string): boolean {
  const m = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[^\s(]+)/i.exec(
    stmt,
  );
  if (!m) return false;
  const raw = m[1] as string;
  const unq = /^["`[]/.test(raw) ? raw.slice(1, -1).replace(/""/g, '"') : raw;
  return unq.toLowerCase() === name.toLowerCase();
}

function same(a: ColumnInfo, b: ColumnInfo): string | null {
  if (a.type.toUpperCase() !== b.type.toUpperCase()) return 'change-type';
  if (a.pk !== b.pk) return 'change-key';
  if (a.notNull !== b.notNull) return 'change-not-null';
  if ((a.defaultSql ?? '') !== (b.defaultSql ?? '')) return 'change-default';
  return null;
}

function alterTable(old: TableInfo, next: TableInfo): string[] {
  const out: string[] = [];
  for (let i = 0; i < old.columns.length; i++) {
    const o = old.columns[i] as ColumnInfo;
    const n = next.columns[i];
    if (!n || n.name !== o.name) {
      const moved = next.columns.some((c) => c.name === o.name);
      throw new MigrationError(
        old.name,
        moved ? 'reorder-column' : 'drop-column',
        moved
          ? `table ${old.name}: column ${o.name} moved; new columns must be added after the existing ones`
          : `table ${old.name}: column ${o.name} is missing; dropping a column is not supported`,
      );
    }
    const diff = same(o, n);
    if (diff) {
      throw new MigrationError(
        old.name,
        diff,
        `table ${old.name}: column ${o.name} changed (${diff}); only additive changes are supported`,
      );
    }
  }
  for (const c of next.columns.slice(old.columns.length)) {
    if (c.pk > 0)
      throw new MigrationError(
        old.name,
        'change-key',
        `table ${old.name}: new column ${c.name} changes the primary key`,
      );
    if (c.notNull && c.defaultSql === null) {
      throw new MigrationError(
        old.name,
        'not-null-default',
        `table ${old.name}: new NOT NULL column ${c.name} needs a DEFAULT`,
      );
    }
    const def = next.definitions.get(c.name);
    if (!def)
      throw new MigrationError(
        old.name,
        'internal',
        `table ${old.name}: definition of column ${c.name} not found`,
      );
    out.push(`ALTER TABLE ${quoteIdent(old.name)} ADD COLUMN ${def}`);
  }
  return out;
}
