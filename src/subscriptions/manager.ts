import { createHash } from 'node:crypto';
import { randomBytes } from '../runtime/rng.js';
import type { Runtime } from '../runtime/runtime.js';
import type { CommitEvent, SqlParams } from '../store/types.js';
import type { Consumer } from './consumer.js';
import { SubscriptionNotFoundError, SubscriptionSqlError, TooManySubscriptionsError } from './errors.js';
import { Matcher } from './matcher.js';
import { cellsKey } from './row-identity.js';
import { tablesRead } from './tables-read.js';
import type { QueryEvent, ReadDb, SubscribeOptions, SubscriptionLimits } from './types.js';

/** What the manager needs from a store: a connection to read with, and commit events. */
export interface SubscriptionSource {
  /** A connection on the store's database (reads only). */
  readonly db: ReadDb;
  /** Registers a listener called after every local or remote commit; may return an unsubscribe. */
  onCommit(listener: (event: CommitEvent) => void): (() => void) | undefined;
}

/** One consumer's handle on a subscription: iterate it for events, close it to stop. */
export interface Subscription extends AsyncIterable<QueryEvent> {
  /** Id shared by every consumer of the same SQL and parameters (use it to re-attach). */
  readonly id: string;
  /** Hash of the normalised SQL and parameters. */
  readonly hash: string;
  /** The events (the subscription itself is iterable too). */
  readonly events: AsyncIterable<QueryEvent>;
  /** Detaches this consumer; the subscription stays for `idleTimeoutMs` for re-attaching. */
  close(): void;
}

/** Defaults of {@link SubscriptionLimits}. */
export const SUBSCRIPTION_DEFAULTS = {
  maxBufferedEvents: 10_000,
  retainedChanges: 10_000,
  maxSubscriptions: 256,
  idleTimeoutMs: 120_000,
} as const;

/**
 * Live SQL queries over a store. `subscribe(sql, params)` yields the current rows, an
 * end-of-query marker, then insert/update/delete events for every local or remote commit
 * that changes the result. Identical SQL and parameters share one query run.
 *
 * How: each distinct query ("matcher") knows the tables it reads (from SQLite's own bytecode,
 * see `tablesRead`). A commit touching one of them marks the matcher dirty; once the current
 * task ends, dirty matchers re-run their query and diff the result against the previous one
 * by row identity. Bursts of commits therefore cost one re-run, and a commit never waits for
 * subscribers.
 */
export class SubscriptionManager {
  private readonly byHash = new Map<string, Matcher>();
  private readonly byId = new Map<string, Matcher>();
  private readonly dirty = new Set<Matcher>();
  private flushScheduled = false;
  private readonly limits: Required<SubscriptionLimits>;
  private readonly unsubscribe: (() => void) | undefined;
  private closed = false;
  /** Consumers dropped for falling behind, since the manager started. */
  private dropped = 0;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly runtime: Runtime,
    limits: SubscriptionLimits = {},
  ) {
    this.limits = { ...SUBSCRIPTION_DEFAULTS, ...limits };
    const off = source.onCommit((e) => this.onCommit(e));
    this.unsubscribe = typeof off === 'function' ? off : undefined;
  }

  /**
   * Subscribes to `sql`. Throws {@link SubscriptionSqlError} for bad SQL or a statement that
   * writes, {@link TooManySubscriptionsError} at the bound, and for `from`, the errors of
   * {@link SubscriptionManager.attach}.
   */
  subscribe(sql: string, params?: SqlParams, opts: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new SubscriptionSqlError('the subscription manager is closed');
    const args = params === undefined ? [] : Array.isArray(params) ? [...params] : [params];
    const hash = createHash('sha256')
      .update(`${sql.trim().replace(/\s+/g, ' ')}\u0000${cellsKey(args)}`)
      .digest('hex');
    let m = this.byHash.get(hash);
    if (!m) {
      if (opts.from !== undefined && opts.from > 0) {
        throw new SubscriptionNotFoundError(
          '',
          `no live subscription for this query to resume from change id ${opts.from}; subscribe without "from"`,
        );
      }
      if (this.byHash.size >= this.limits.maxSubscriptions) {
        throw new TooManySubscriptionsError(this.limits.maxSubscriptions);
      }
      m = this.create(sql, args, hash);
    }
    return handle(m, m.attach(opts));
  }

  /** Re-attaches to subscription `id`. Throws `SubscriptionNotFoundError`, `ResumeTooOldError`. */
  attach(id: string, opts: SubscribeOptions = {}): Subscription {
    const m = this.byId.get(id);
    if (!m) throw new SubscriptionNotFoundError(id);
    return handle(m, m.attach(opts));
  }

  /** Live subscriptions, their consumers, and consumers dropped so far (for metrics). */
  stats(): { subscriptions: number; consumers: number; droppedConsumers: number } {
    let consumers = 0;
    for (const m of this.byId.values()) consumers += m.consumerCount;
    return { subscriptions: this.byId.size, consumers, droppedConsumers: this.dropped };
  }

  /**
   * Re-runs every dirty subscription now (normally done on the scheduler right after the
   * commits; tests in virtual time may call it directly).
   */
  flush(): void {
    this.flushScheduled = false;
    const dirty = [...this.dirty];
    this.dirty.clear();
    for (const m of dirty) m.refresh();
  }

  /** Ends every subscription and stops listening to the store. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    for (const m of [...this.byId.values()]) m.remove();
  }

  private create(sql: string, args: unknown[], hash: string): Matcher {
    let tables: string[];
    try {
      const stmt = this.source.db.prepare(sql);
      if (!stmt.reader || !stmt.readonly) {
        throw new Error('only read-only statements returning rows (SELECT) can be subscribed to');
      }
      tables = tablesRead(this.source.db, sql, args);
    } catch (err) {
      throw new SubscriptionSqlError((err as Error).message);
    }
    const id = uuid(randomBytes(this.runtime.rng, 16));
    let m: Matcher;
    try {
      m = new Matcher(id, hash, this.source.db, sql, args, new Set(tables), {
        maxBufferedEvents: this.limits.maxBufferedEvents,
        retainedChanges: this.limits.retainedChanges,
        idleTimeoutMs: this.limits.idleTimeoutMs,
        clock: this.runtime.clock,
        scheduler: this.runtime.scheduler,
        onDrop: () => {
          this.dropped++;
        },
        onRemove: (gone) => {
          this.byHash.delete(gone.hash);
          this.byId.delete(gone.id);
          this.dirty.delete(gone);
        },
      });
    } catch (err) {
      throw new SubscriptionSqlError((err as Error).message);
    }
    this.byHash.set(hash, m);
    this.byId.set(id, m);
    return m;
  }

  private onCommit(e: CommitEvent): void {
    for (const m of this.byId.values()) {
      if (e.tables.some((t) => m.tables.has(t.toLowerCase()))) this.dirty.add(m);
    }
    if (this.dirty.size > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      this.runtime.scheduler.after(0, () => this.flush());
    }
  }
}

function handle(m: Matcher, c: Consumer): Subscription {
  return {
    id: m.id,
    hash: m.hash,
    events: c,
    close: () => c.close(),
    [Symbol.asyncIterator]: () => c[Symbol.asyncIterator](),
  };
}

function uuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
