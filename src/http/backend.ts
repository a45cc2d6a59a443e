import type { QueryEvent, SubscribeOptions } from '../subscriptions/types.js';

/**
 * What the HTTP API needs from whatever holds the data: a running agent, or a lone store in
 * tests. The HTTP layer only parses, bounds, authenticates and frames; every data decision
 * (transactions, read-only checks, subscriptions) is the backend's.
 */

/** One SQL statement with its parameters, already decoded from any of the JSON forms. */
export interface ApiStatement {
  readonly sql: string;
  /** Positional parameters (`?`, `?1`). */
  readonly params?: readonly unknown[];
  /** Named parameters, keys without their `:`/`@`/`$` prefix. */
  readonly named?: Readonly<Record<string, unknown>>;
}

/** Outcome of one committed transaction. */
export interface TransactionOutcome {
  /** Rows affected, one entry per statement, in order. */
  readonly rowsAffected: readonly number[];
  /** Per-statement execution time in seconds, in order. */
  readonly timesSec: readonly number[];
  /** The local version the transaction produced, or null when no replicated row changed. */
  readonly version: number | null;
}

/** A read-only query's result: column names, then rows as arrays of cells. */
export interface QueryCursor {
  readonly columns: readonly string[];
  /**
   * The rows. The HTTP layer may consume this across event-loop turns (it waits for the
   * socket to drain), so a backend must not hold a lock that blocks writers while it is open.
   */
  readonly rows: Iterator<readonly unknown[]>;
  /** Releases the cursor early (client went away). Idempotent. */
  close(): void;
}

export type { QueryEvent, SubscribeOptions } from '../subscriptions/types.js';

/** A consumer's view of one subscription: events to pull, and a way to stop. */
export interface SubscriptionStream {
  /** The subscription id (shared by every consumer of the same SQL and parameters). */
  readonly id: string;
  /** A stable hash of the normalised SQL and parameters. */
  readonly hash: string;
  /** Events in order; ends after an `error` event or when closed. */
  readonly events: AsyncIterable<QueryEvent>;
  /** Detaches this consumer. Idempotent. */
  close(): void;
}

/** A cluster member as the API reports it. */
export interface ApiMember {
  readonly id: string;
  readonly addr: string;
  readonly state: string;
  readonly incarnation?: number;
  readonly meta?: Readonly<Record<string, string>>;
  /** Smoothed round-trip time in ms, when measured. */
  readonly rttMs?: number;
}

/** Figures behind `GET /v1/health`. */
export interface HealthInfo {
  /** Members currently alive, this node included. */
  readonly members: number;
  /** Total count of versions known to exist but not yet applied, over every actor. */
  readonly gaps: number;
  /** 99th percentile of receive lag (writer commit to local apply) in seconds, if measured. */
  readonly p99LagSec: number;
  /** Changesets waiting to be applied or sent (pending and queued), if known. */
  readonly queueSize: number;
}

/** The data side of the HTTP API. Errors: see `errors.ts` for what each method throws. */
export interface ApiBackend {
  /**
   * Runs the statements in one transaction. If any statement fails, nothing is applied and a
   * `StatementError` naming the statement's index is thrown.
   */
  transaction(statements: readonly ApiStatement[]): Promise<TransactionOutcome>;
  /** Prepares a read-only query. Throws `StatementError` for bad SQL or a write statement. */
  query(statement: ApiStatement): QueryCursor;
  /** Starts (or joins) a subscription. Throws `StatementError` for bad or writing SQL. */
  subscribe(statement: ApiStatement, options: SubscribeOptions): SubscriptionStream;
  /** Re-attaches to an existing subscription. Throws `NotFoundError` or `ResumeTooOldError`. */
  attach(id: string, options: SubscribeOptions): SubscriptionStream;
  /** Cluster members, this node included. */
  members(): readonly ApiMember[];
  /** Health figures. */
  health(): HealthInfo;
  /** Applies schema SQL (CREATE TABLE / CREATE INDEX); throws `StatementError` when refused. */
  migrate(schemaSql: readonly string[]): Promise<void>;
  /** Writes a consistent snapshot of the database to `path` (a new file). */
  backup(path: string): Promise<void>;
  /** Prometheus text of the backend's own metrics (may be empty). */
  metrics(): Promise<string>;
}
