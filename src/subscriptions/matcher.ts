import type { Clock } from '../runtime/clock.js';
import type { Scheduler, TimerHandle } from '../runtime/scheduler.js';
import { Consumer } from './consumer.js';
import { diffResult, type ResultRows } from './diff.js';
import { ResumeFromFutureError, ResumeTooOldError } from './errors.js';
import { identityColumns } from './row-identity.js';
import type { QueryEvent, ReadDb, SubscribeOptions } from './types.js';

type ChangeEvent = Extract<QueryEvent, { change: unknown }>;

/** Settings a matcher gets from its manager. */
export interface MatcherSettings {
  readonly maxBufferedEvents: number;
  readonly retainedChanges: number;
  readonly idleTimeoutMs: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Called when the matcher had no consumer for `idleTimeoutMs`, or failed. */
  readonly onRemove: (m: Matcher) => void;
  /** Called when a consumer is dropped for falling behind (for metrics). */
  readonly onDrop: () => void;
}

/**
 * One live query (one SQL text with one set of parameters), shared by all its consumers. It
 * keeps the current result keyed by row identity, re-runs the query when a table it reads
 * changed, turns the difference into change events with contiguous change ids, and keeps the
 * last `retainedChanges` of them for resume.
 */
export class Matcher {
  readonly columns: readonly string[];
  private readonly idCols: number[] | null;
  private readonly rows: ResultRows = new Map();
  private nextRowid = 1;
  private lastChangeId = 0;
  private lastRunSec = 0;
  private readonly history: ChangeEvent[] = [];
  private readonly consumers = new Set<Consumer>();
  private idleTimer: TimerHandle | null = null;
  private removed = false;

  /** `tables` must be what `sql` reads (see `tablesRead`); `sql` must be read-only. */
  constructor(
    readonly id: string,
    readonly hash: string,
    private readonly db: ReadDb,
    readonly sql: string,
    private readonly args: readonly unknown[],
    readonly tables: ReadonlySet<string>,
    private readonly settings: MatcherSettings,
  ) {
    const stmt = db.prepare(sql);
    const cols = stmt.columns();
    this.columns = cols.map((c) => c.name);
    this.idCols = identityColumns(db, cols);
    // The first run only fills the result: it is every consumer's initial rows, not changes.
    this.run(false);
    this.armIdleTimer();
  }

  /** Consumers attached now. */
  get consumerCount(): number {
    return this.consumers.size;
  }

  /** The last change id produced (0 before the first change). */
  get changeId(): number {
    return this.lastChangeId;
  }

  /**
   * Re-runs the query and emits the differences. A failing query (e.g. its table was
   * dropped) ends every consumer with an error event and removes the matcher.
   */
  refresh(): void {
    this.run(true);
  }

  private run(emit: boolean): void {
    if (this.removed) return;
    let result: unknown[][];
    const start = this.settings.clock.now();
    try {
      result = this.db
        .prepare(this.sql)
        .raw(true)
        .all(...this.args) as unknown[][];
    } catch (err) {
      for (const c of [...this.consumers]) c.fail(`subscription query failed: ${(err as Error).message}`);
      this.remove();
      return;
    }
    this.lastRunSec = (this.settings.clock.now() - start) / 1000;
    const changes = diffResult(this.rows, result, this.idCols, () => this.nextRowid++);
    if (!emit) return;
    for (const ch of changes) {
      const event: ChangeEvent = { change: [ch.type, ch.rowid, ch.cells, ++this.lastChangeId] };
      this.history.push(event);
      if (this.history.length > this.settings.retainedChanges) this.history.shift();
      for (const c of [...this.consumers]) c.push(event);
    }
  }

  /**
   * Adds a consumer. Without `from`: `columns`, the current rows (unless `skipRows`), `eoq`
   * with the current change id, then live changes. With `from`: `columns`, the retained
   * changes after `from`, then live ones. Throws `ResumeTooOldError`/`ResumeFromFutureError`.
   */
  attach(opts: SubscribeOptions): Consumer {
    const initial: QueryEvent[] = [{ columns: this.columns }];
    if (opts.from !== undefined) {
      const oldest = this.lastChangeId - this.history.length;
      if (opts.from < oldest) throw new ResumeTooOldError(opts.from, oldest);
      if (opts.from > this.lastChangeId) throw new ResumeFromFutureError(opts.from, this.lastChangeId);
      for (const e of this.history) if (e.change[3] > opts.from) initial.push(e);
    } else {
      if (!opts.skipRows) for (const r of this.rows.values()) initial.push({ row: [r.rowid, r.cells] });
      initial.push({ eoq: { time: this.lastRunSec, change_id: this.lastChangeId } });
    }
    const consumer = new Consumer(initial, this.settings.maxBufferedEvents, (c) => this.detach(c));
    this.consumers.add(consumer);
    this.idleTimer?.cancel();
    this.idleTimer = null;
    return consumer;
  }

  /** Ends every consumer and forgets the matcher. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.idleTimer?.cancel();
    for (const c of [...this.consumers]) c.close();
    this.settings.onRemove(this);
  }

  private detach(c: Consumer): void {
    if (c.dropped) this.settings.onDrop();
    this.consumers.delete(c);
    if (this.consumers.size === 0) this.armIdleTimer();
  }

  private armIdleTimer(): void {
    if (this.removed || this.idleTimer) return;
    this.idleTimer = this.settings.scheduler.after(this.settings.idleTimeoutMs, () => {
      this.idleTimer = null;
      if (this.consumers.size === 0) this.remove();
    });
  }
}
