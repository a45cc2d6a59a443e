// The store benchmark's workload (bench/store.ts): one table, one upsert, the same rows for raw
// better-sqlite3 and corro.
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Rows per transaction in the batched figure (b). */
export const BATCH = 1_000;

/** The one table of the workload. */
export const SCHEMA = `CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, name TEXT, qty INTEGER, price REAL, note TEXT);`;
/** The statement both sides run. */
export const UPSERT =
  'INSERT INTO items (id, name, qty, price, note) VALUES (?, ?, ?, ?, ?) ' +
  'ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty = excluded.qty, price = excluded.price, note = excluded.note';

/** Row `i` of the workload. */
export function row(i: number): [number, string, number, number, string] {
  return [i, `item-${i}`, i % 97, (i % 1000) / 10 + 0.25, `note for item ${i}`];
}

/** A raw better-sqlite3 file database with the workload table, as `Store.open` configures a file. */
export function rawDb(dir: string, name: string): Database.Database {
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}
