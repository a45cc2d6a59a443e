import { statSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Bytes a SQLite database takes on disk: the main file plus its WAL and shared-memory files, if present. */
export function dbBytes(path: string): number {
  let total = 0;
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      total += statSync(f).size;
    } catch {
      // Not there (a closed database has no WAL): counts as zero.
    }
  }
  return total;
}

/**
 * Bytes of a closed database's pages that hold data, by SQLite's `dbstat` table: the sum
 * over every b-tree and overflow page of (page size - unused bytes). Unlike the file size it
 * does not move in whole pages, so growth per row is visible with few rows. Covers every
 * table and index in the file (for corro: the user's table, CRDT state, changeset log,
 * bookkeeping).
 */
export function usedBytes(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    const r = db.prepare('SELECT sum(pgsize - unused) AS used FROM dbstat').get() as { used: number | null };
    return r.used ?? 0;
  } finally {
    db.close();
  }
}
