import type { Database as Db } from 'better-sqlite3';
import { MigrationError } from './errors.js';
import { createCaptureTriggers } from './internal-tables.js';
import { planMigration } from './migrate.js';
import { introspect, type Schema, type TableInfo } from './schema.js';
import type { TableDescription } from './store-options.js';

/** Creates or migrates the user schema and (re)creates capture triggers, inside the caller's transaction. */
export function applySchema(db: Db, schema: Schema, text: readonly string[]): void {
  const plan = planMigration(introspect(db), schema);
  for (const stmt of plan) {
    try {
      db.exec(stmt);
    } catch (e) {
      throw new MigrationError('', 'sqlite', `migration statement failed (${stmt}): ${(e as Error).message}`);
    }
  }
  for (const t of schema.tables) createCaptureTriggers(db, t);
  db.prepare('INSERT OR REPLACE INTO __corro_meta (key, value) VALUES (?, ?)').run(
    'schema',
    JSON.stringify(text),
  );
}

/** The public description of a replicated table. */
export function describeTable(t: TableInfo): TableDescription {
  return {
    name: t.name,
    columns: t.columns.map((c) => ({
      name: c.name,
      type: c.type,
      notNull: c.notNull,
      defaultSql: c.defaultSql,
      primaryKey: c.pk > 0,
    })),
    primaryKey: [...t.primaryKey],
  };
}
