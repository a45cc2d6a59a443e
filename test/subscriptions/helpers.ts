import Database from 'better-sqlite3';
import type { CommitEvent } from '../../src/store/types.js';
import type { SubscriptionSource } from '../../src/subscriptions/manager.js';
import type { QueryEvent } from '../../src/subscriptions/types.js';

/** A subscription source over a plain SQLite database; tests announce commits by hand. */
export class FakeSource implements SubscriptionSource {
  readonly db: Database.Database = new Database(':memory:');
  private listeners: ((e: CommitEvent) => void)[] = [];

  constructor(schema: string) {
    this.db.exec(schema);
  }
  onCommit(listener: (e: CommitEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  /** Runs SQL and announces a commit touching `tables`. */
  write(sql: string, tables: string[], params: unknown[] = []): void {
    this.db.prepare(sql).run(...params);
    for (const l of this.listeners) l({ source: 'local', tables, changesets: [] });
  }
}

/**
 * Reads a subscription incrementally: `take()` returns every event available now. Keeps one
 * pending `next()` across calls so no event is lost.
 */
export class Reader {
  private readonly it: AsyncIterator<QueryEvent>;
  private pending: Promise<IteratorResult<QueryEvent>> | null = null;
  done = false;

  constructor(events: AsyncIterable<QueryEvent>) {
    this.it = events[Symbol.asyncIterator]();
  }

  async take(): Promise<QueryEvent[]> {
    const out: QueryEvent[] = [];
    const idle = Symbol('idle');
    for (;;) {
      this.pending ??= this.it.next();
      const r = await Promise.race([
        this.pending,
        new Promise<typeof idle>((res) => setImmediate(() => res(idle))),
      ]);
      if (r === idle) return out;
      this.pending = null;
      if (r.done) {
        this.done = true;
        return out;
      }
      out.push(r.value);
    }
  }
}

/** Rebuilds a subscriber's view of the result from its events: rowid -> cells. */
export class ResultView {
  readonly rows = new Map<number, readonly unknown[]>();
  lastChangeId = -1;
  columns: readonly string[] = [];
  errors: string[] = [];

  apply(events: readonly QueryEvent[]): void {
    for (const e of events) {
      if ('columns' in e) this.columns = e.columns;
      else if ('row' in e) this.rows.set(e.row[0], e.row[1]);
      else if ('eoq' in e) this.lastChangeId = e.eoq.change_id ?? 0;
      else if ('error' in e) this.errors.push(e.error);
      else {
        const [type, rowid, cells, id] = e.change;
        if (id !== this.lastChangeId + 1) throw new Error(`change id ${id} after ${this.lastChangeId}`);
        this.lastChangeId = id;
        if (type === 'delete') {
          if (!this.rows.has(rowid)) throw new Error(`delete of unknown rowid ${rowid}`);
          this.rows.delete(rowid);
        } else if (type === 'insert') {
          if (this.rows.has(rowid)) throw new Error(`insert of existing rowid ${rowid}`);
          this.rows.set(rowid, cells);
        } else {
          if (!this.rows.has(rowid)) throw new Error(`update of unknown rowid ${rowid}`);
          this.rows.set(rowid, cells);
        }
      }
    }
  }

  /** The rows as a sorted list of JSON texts (a multiset, order-free). */
  sorted(): string[] {
    return [...this.rows.values()].map((r) => JSON.stringify(r)).sort();
  }
}

/** Query result as a sorted list of JSON texts. */
export function sortedRows(db: Database.Database, sql: string): string[] {
  return (db.prepare(sql).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort();
}
