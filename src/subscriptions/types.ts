/** Shapes shared by the subscription manager and its users (agent API, HTTP API). */

/** Kind of a row change in a subscription's result. */
export type ChangeType = 'insert' | 'update' | 'delete';

/**
 * One subscription event, shaped as Corrosion's `QueryEvent` JSON so the HTTP layer can send
 * it as is: `columns` first, initial `row`s, `eoq` (end of initial query, with the change id
 * the snapshot corresponds to), then `change`s with contiguous change ids. `error` is final.
 */
export type QueryEvent =
  | { readonly columns: readonly string[] }
  | { readonly row: readonly [rowid: number, cells: readonly unknown[]] }
  | { readonly eoq: { readonly time: number; readonly change_id?: number } }
  | {
      readonly change: readonly [
        type: ChangeType,
        rowid: number,
        cells: readonly unknown[],
        changeId: number,
      ];
    }
  | { readonly error: string };

/** Options of one consumer. */
export interface SubscribeOptions {
  /** Resume after this change id: the missed changes are replayed, no initial rows. */
  readonly from?: number;
  /** Skip the initial rows: `columns`, `eoq`, then changes. */
  readonly skipRows?: boolean;
}

/** Column metadata as better-sqlite3's `Statement.columns()` reports it. */
export interface ReadColumn {
  readonly name: string;
  /** Origin table of the column, or null for an expression. */
  readonly table: string | null;
  /** Origin column, or null for an expression. */
  readonly column: string | null;
}

/** The part of a prepared better-sqlite3 statement subscriptions use. */
export interface ReadStatement {
  /** True when the statement returns rows (and does not write). */
  readonly reader: boolean;
  readonly readonly: boolean;
  raw(toggle?: boolean): ReadStatement;
  all(...params: unknown[]): unknown[];
  columns(): ReadColumn[];
}

/**
 * A SQLite connection that can prepare statements (structurally, a better-sqlite3
 * `Database`). Subscriptions only read through it.
 */
export interface ReadDb {
  prepare(sql: string): ReadStatement;
}

/** Bounds of a {@link SubscriptionManager}; each says what happens when reached. */
export interface SubscriptionLimits {
  /**
   * Events queued for one consumer (initial rows not counted). Past it the consumer gets an
   * `error` event and is detached; the subscription lives on for others. Default 10000.
   */
  readonly maxBufferedEvents?: number;
  /** Changes kept per subscription for resume; older `from` ids are refused. Default 10000. */
  readonly retainedChanges?: number;
  /** Distinct live queries (SQL + parameters); more are refused. Default 256. */
  readonly maxSubscriptions?: number;
  /** A subscription without consumers is removed after this many ms. Default 120000. */
  readonly idleTimeoutMs?: number;
}
