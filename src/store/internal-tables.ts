import type { Database } from 'better-sqlite3';
import type { TableInfo } from './schema.js';
import { quoteIdent, quoteString } from './sql-text.js';

/**
 * Version of corro's own table layout in a database file. 2: own changes are stored once, in the
 * log, and folded into document chunks and the hash index in batches (`LocalTail`,
 * `__corro_meta.local_folded`). A format 1 file opens and is upgraded in place (its whole own log
 * counts as folded); corro versions that write format 1 refuse a format 2 file with a clear error.
 */
export const STORE_FORMAT = 2;

/** Name of the SQL function the capture triggers call (registered per connection by the store). */
export const CAPTURE_FUNCTION = 'corro_capture';

/**
 * corro's bookkeeping tables, created in the same file as the user's tables so one SQLite
 * transaction covers user rows, CRDT state, the changeset log and the books.
 * - `__corro_meta`: actor id, format, schema text, `local_folded`.
 * - `__corro_docs`: per table document, its saved chunks in order (a snapshot, then changes); own
 *   changes logged above `local_folded` are not here yet (see `LocalTail`).
 * - `__corro_changesets`: the changeset log, by (actor, version), served to peers.
 * - `__corro_hashes`: Automerge change hash -> the changeset that carried it (dependency requests);
 *   own changes above `local_folded` are indexed only in memory until the next fold.
 * - `__corro_books`: per actor, the applied version ranges.
 * - `__corro_pending`: changesets waiting for Automerge dependencies.
 */
export function createInternalTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS __corro_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS __corro_docs (
      tbl TEXT NOT NULL, doc TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
      PRIMARY KEY (tbl, doc, seq)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS __corro_changesets (
      actor TEXT NOT NULL, version INTEGER NOT NULL, ts INTEGER NOT NULL, changes BLOB NOT NULL,
      PRIMARY KEY (actor, version)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS __corro_hashes (
      hash BLOB PRIMARY KEY, actor TEXT NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS __corro_books (actor TEXT PRIMARY KEY, ranges TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS __corro_pending (
      actor TEXT NOT NULL, version INTEGER NOT NULL, ts INTEGER NOT NULL, changes BLOB NOT NULL,
      missing TEXT NOT NULL, PRIMARY KEY (actor, version)) WITHOUT ROWID;
  `);
}

/**
 * (Re)creates the capture triggers of a table. Each row change calls the capture function with
 * the table name and the primary key (old and new key for an update, so a key change is seen as
 * a delete plus an insert). Opening the file without corro (no such function) makes writes to
 * replicated tables fail, which is deliberate: a write that bypassed capture would never replicate.
 */
export function createCaptureTriggers(db: Database, t: TableInfo): void {
  const q = quoteIdent(t.name);
  const name = quoteString(t.name);
  const keys = (row: 'NEW' | 'OLD') => t.primaryKey.map((c) => `${row}.${quoteIdent(c)}`).join(', ');
  const trig = (kind: string) => quoteIdent(`__corro_${kind}_${t.name}`);
  db.exec(`
    DROP TRIGGER IF EXISTS ${trig('ins')};
    DROP TRIGGER IF EXISTS ${trig('upd')};
    DROP TRIGGER IF EXISTS ${trig('del')};
    CREATE TRIGGER ${trig('ins')} AFTER INSERT ON ${q} BEGIN
      SELECT ${CAPTURE_FUNCTION}(${name}, ${keys('NEW')}); END;
    CREATE TRIGGER ${trig('upd')} AFTER UPDATE ON ${q} BEGIN
      SELECT ${CAPTURE_FUNCTION}(${name}, ${keys('OLD')}), ${CAPTURE_FUNCTION}(${name}, ${keys('NEW')}); END;
    CREATE TRIGGER ${trig('del')} AFTER DELETE ON ${q} BEGIN
      SELECT ${CAPTURE_FUNCTION}(${name}, ${keys('OLD')}); END;
  `);
}
