import Database from 'better-sqlite3';
import { CAPTURE_FUNCTION } from '../store/internal-tables.js';
import type { CommitEvent } from '../store/types.js';
import type { SubscriptionSource } from './manager.js';
import type { ReadDb } from './types.js';

/** What a subscription source needs from a `Store` (structurally). */
export interface CommitSource {
  onCommit(listener: (e: CommitEvent) => void): () => void;
}

/**
 * Opens a read-only connection on a store's database file. It runs beside the store's own
 * connection: in WAL mode readers never block the writer nor see half a transaction, and a
 * long read does not stall replication. `query_only` makes any write through it fail.
 */
export function openReadConnection(dbFile: string): Database.Database {
  if (dbFile === ':memory:' || dbFile === '') {
    throw new Error("a read connection needs the store's database file; an in-memory store has none");
  }
  const db = new Database(dbFile, { fileMustExist: true });
  db.pragma('query_only = 1');
  // The store's change-capture triggers call this function. Declaring it here lets a write
  // statement prepare on this connection, so callers can see it is not read-only and say so
  // (instead of "no such function"); running it would fail anyway.
  db.function(CAPTURE_FUNCTION, { varargs: true }, () => {
    throw new Error('this connection is read-only');
  });
  return db;
}

/**
 * A subscription source over a store: commits come from `store.onCommit`, reads go through
 * their own connection on `dbFile`. `close()` closes that connection.
 */
export function storeSubscriptionSource(
  store: CommitSource,
  dbFile: string,
): SubscriptionSource & { close(): void } {
  const db = openReadConnection(dbFile);
  return {
    db: db as unknown as ReadDb,
    onCommit: (listener) => store.onCommit(listener),
    close: () => db.close(),
  };
}
