import type { Runtime } from '../runtime/runtime.js';
import type { SqlParams } from './types.js';

/** Options of `Store.open`. */
export interface StoreOptions {
  /** A database file path, or `':memory:'`. */
  readonly path: string;
  /** Schema SQL (`CREATE TABLE` / `CREATE INDEX` only), one string or several. */
  readonly schema: string | readonly string[];
  /**
   * The actor id (32 lowercase hex characters) for a new database. Default: 16 bytes from
   * `runtime.rng`. For an existing database it must match the stored one if given.
   */
  readonly actorId?: string;
  /** Clock (HLC timestamps) and Rng (new actor ids). Default `realRuntime()`. */
  readonly runtime?: Runtime;
  /** Bytes from `store.serialize()` to open as an in-memory database (`path` must be `':memory:'`). */
  readonly serialized?: Buffer;
  /** Automerge documents kept loaded (least recently used are freed). Default 64, minimum 1. */
  readonly maxLoadedDocs?: number;
  /** Chunks stored per document before they are compacted into one snapshot. Default 512. */
  readonly maxChunksPerDoc?: number;
  /** Pending changesets kept at most (more are dropped and re-fetched later). Default 10 000. */
  readonly maxPendingChangesets?: number;
  /** Bytes of pending changes kept at most. Default 64 MiB. */
  readonly maxPendingBytes?: number;
  /** Prepared statements cached for `exec`/`query`. Default 128. */
  readonly statementCacheSize?: number;
  /** A remote HLC timestamp further ahead of the local clock than this is not adopted. Default 60 000 ms. */
  readonly maxClockDriftMs?: number;
}

/** Columns and key of a replicated table, as `store.tables()` reports them. */
export interface TableDescription {
  readonly name: string;
  readonly columns: readonly {
    readonly name: string;
    readonly type: string;
    readonly notNull: boolean;
    readonly defaultSql: string | null;
    readonly primaryKey: boolean;
  }[];
  /** Primary key columns in key order. */
  readonly primaryKey: readonly string[];
}

/** Limits of one `changesetsFor` answer. */
export interface ChangesetLimit {
  /** Most changesets; default 1000. */
  readonly maxChangesets?: number;
  /** Stop after this many bytes of changes (at least one changeset is returned); default 8 MiB. */
  readonly maxBytes?: number;
}

/** Counters and sizes for metrics. */
export interface StoreStats {
  readonly loadedDocs: number;
  readonly pendingChangesets: number;
  readonly pendingBytes: number;
  /** Pending changesets refused at the pending bound since open. */
  readonly droppedPending: number;
  /** Pending changesets that failed to apply once their dependencies arrived (e.g. a constraint violation), dropped. */
  readonly failedPending: number;
  /** Exceptions thrown by `onCommit` listeners (caught and counted). */
  readonly listenerErrors: number;
}

/** What `tx.exec` reports. */
export interface ExecResult {
  /** Rows changed by the statement (0 for multi-statement scripts). */
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

/** The handle a `store.transaction` function receives. */
export interface StoreTx {
  /** Runs one statement (or a parameterless script) inside the transaction. */
  exec(sql: string, params?: SqlParams): ExecResult;
  /** Reads inside the transaction (sees its uncommitted writes). */
  query<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[];
}
