import { existsSync } from 'node:fs';
import { monotonicMs } from '../runtime/real-runtime.js';
import { StoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import {
  ResumeFromFutureError,
  ResumeTooOldError as SubResumeTooOldError,
  SubscriptionNotFoundError,
  SubscriptionSqlError,
  TooManySubscriptionsError,
} from '../subscriptions/errors.js';
import type { SubscriptionManager } from '../subscriptions/manager.js';
import { openReadConnection } from '../subscriptions/store-source.js';
import type {
  ApiBackend,
  ApiMember,
  ApiStatement,
  HealthInfo,
  QueryCursor,
  SubscribeOptions,
  SubscriptionStream,
  TransactionOutcome,
} from './backend.js';
import { ApiError, BadRequestError, GoneError, NotFoundError, StatementError } from './errors.js';
import { ReadPool } from './read-pool.js';

/** The cluster side a backend reports: members, health figures beyond the store, metrics. */
export interface ClusterView {
  members(): readonly ApiMember[];
  /** Alive members, p99 receive lag and queue size; gaps come from the store. */
  health(): { members: number; p99LagSec: number; queueSize: number };
  /** Prometheus text of the node's metrics. */
  metrics(): Promise<string>;
}

/** Options of {@link StoreBackend}. */
export interface StoreBackendOptions {
  readonly store: Store;
  /** The store's database file: queries read through their own connections on it. */
  readonly dbFile: string;
  readonly subscriptions: SubscriptionManager;
  /** The cluster view (an agent's); default: this node alone. */
  readonly cluster?: ClusterView;
  /** Monotonic ms for statement times. */
  readonly nowMs?: () => number;
}

/**
 * The HTTP API over a store (an agent's, or a lone one): writes go through
 * `store.transaction`, so they replicate like any other write; reads stream from their own
 * connections; subscriptions come from a {@link SubscriptionManager}.
 */
export class StoreBackend implements ApiBackend {
  private readonly pool: ReadPool;
  private readonly nowMs: () => number;

  constructor(private readonly opts: StoreBackendOptions) {
    this.pool = new ReadPool(() => openReadConnection(opts.dbFile));
    this.nowMs = opts.nowMs ?? monotonicMs;
  }

  async transaction(statements: readonly ApiStatement[]): Promise<TransactionOutcome> {
    const rowsAffected: number[] = [];
    const timesSec: number[] = [];
    let changeset: ReturnType<Store['transaction']>;
    try {
      changeset = this.opts.store.transaction((tx) => {
        statements.forEach((s, i) => {
          const start = this.nowMs();
          try {
            rowsAffected.push(tx.exec(s.sql, args(s)).changes);
          } catch (err) {
            throw new StatementError(sqlMessage(err), i);
          }
          timesSec.push((this.nowMs() - start) / 1000);
        });
      });
    } catch (err) {
      if (err instanceof StatementError) throw err;
      if (err instanceof StoreError || isSqliteError(err))
        throw new StatementError(sqlMessage(err), rowsAffected.length);
      throw err;
    }
    return { rowsAffected, timesSec, version: changeset ? changeset.version : null };
  }

  query(s: ApiStatement): QueryCursor {
    const db = this.pool.acquire();
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        this.pool.release(db);
      }
    };
    try {
      const stmt = db.prepare(s.sql);
      if (!stmt.reader || !stmt.readonly) {
        throw new StatementError('statement is not read-only; send writes to /v1/transactions');
      }
      const columns = stmt.columns().map((c) => c.name);
      const it = stmt.raw(true).iterate(...bindArgs(s)) as IterableIterator<unknown[]>;
      return {
        columns,
        rows: {
          next: () => {
            const r = it.next();
            if (r.done) release();
            return r;
          },
        },
        close: () => {
          it.return?.();
          release();
        },
      };
    } catch (err) {
      release();
      if (err instanceof StatementError) throw err;
      throw new StatementError(sqlMessage(err));
    }
  }

  subscribe(s: ApiStatement, options: SubscribeOptions): SubscriptionStream {
    return mapSubscriptionErrors(() =>
      this.opts.subscriptions.subscribe(s.sql, s.named ?? s.params, options),
    );
  }

  attach(id: string, options: SubscribeOptions): SubscriptionStream {
    return mapSubscriptionErrors(() => this.opts.subscriptions.attach(id, options));
  }

  members(): readonly ApiMember[] {
    return this.opts.cluster?.members() ?? [{ id: this.opts.store.actorId, addr: '', state: 'alive' }];
  }

  health(): HealthInfo {
    let gaps = 0;
    for (const book of Object.values(this.opts.store.syncState().books)) {
      for (const [from, to] of book.gaps) gaps += to - from + 1;
    }
    const c = this.opts.cluster?.health() ?? {
      members: 1,
      p99LagSec: 0,
      queueSize: this.opts.store.stats().pendingChangesets,
    };
    return { gaps, ...c };
  }

  async migrate(schemaSql: readonly string[]): Promise<void> {
    try {
      this.opts.store.migrate(schemaSql);
    } catch (err) {
      if (err instanceof StoreError || isSqliteError(err)) throw new StatementError(sqlMessage(err));
      throw err;
    }
  }

  async backup(path: string): Promise<void> {
    if (existsSync(path)) throw new BadRequestError(`${path} exists; choose a new file name`);
    await this.opts.store.backup(path);
  }

  async metrics(): Promise<string> {
    return (await this.opts.cluster?.metrics()) ?? '';
  }

  /** Closes the read connections (the store and the manager belong to the caller). */
  close(): void {
    this.pool.close();
  }
}

function args(s: ApiStatement): readonly unknown[] | Readonly<Record<string, unknown>> | undefined {
  return s.named ?? s.params;
}

function bindArgs(s: ApiStatement): unknown[] {
  if (s.named) return [s.named];
  return s.params ? [...s.params] : [];
}

function isSqliteError(err: unknown): boolean {
  return err instanceof Error && err.name === 'SqliteError';
}

function sqlMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function mapSubscriptionErrors(fn: () => SubscriptionStream): SubscriptionStream {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SubscriptionSqlError) throw new StatementError(err.message);
    if (err instanceof SubscriptionNotFoundError) throw new NotFoundError(err.message);
    if (err instanceof SubResumeTooOldError) throw new GoneError(err.message);
    if (err instanceof ResumeFromFutureError) throw new BadRequestError(err.message);
    if (err instanceof TooManySubscriptionsError) throw new ApiError(503, err.message);
    throw err;
  }
}
