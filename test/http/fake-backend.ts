import Database from 'better-sqlite3';
import type {
  ApiBackend,
  ApiMember,
  ApiStatement,
  HealthInfo,
  QueryCursor,
  QueryEvent,
  SubscribeOptions,
  SubscriptionStream,
  TransactionOutcome,
} from '../../src/http/backend.js';
import { GoneError, NotFoundError, StatementError } from '../../src/http/errors.js';

/**
 * A test backend on a plain in-memory SQLite: real SQL semantics for transactions and
 * queries, and a hand-driven subscription (`emit`) so the HTTP framing can be tested alone.
 */
export class FakeBackend implements ApiBackend {
  readonly db: Database.Database = new Database(':memory:');
  version = 0;
  health_: HealthInfo = { members: 1, gaps: 0, p99LagSec: 0, queueSize: 0 };
  readonly streams = new Set<FakeStream>();
  migrations: string[][] = [];

  constructor(schema: string) {
    this.db.exec(schema);
  }

  async transaction(statements: readonly ApiStatement[]): Promise<TransactionOutcome> {
    const rowsAffected: number[] = [];
    const run = this.db.transaction(() => {
      statements.forEach((s, i) => {
        try {
          const stmt = this.db.prepare(s.sql);
          rowsAffected.push(stmt.run(...args(s)).changes);
        } catch (err) {
          throw new StatementError((err as Error).message, i);
        }
      });
    });
    run();
    const changed = rowsAffected.some((n) => n > 0);
    return { rowsAffected, timesSec: rowsAffected.map(() => 0), version: changed ? ++this.version : null };
  }

  query(s: ApiStatement): QueryCursor {
    let stmt: Database.Statement;
    try {
      stmt = this.db.prepare(s.sql);
    } catch (err) {
      throw new StatementError((err as Error).message);
    }
    if (!stmt.reader) throw new StatementError('statement is not read-only; use /v1/transactions for writes');
    const rows = stmt.raw().all(...args(s)) as unknown[][];
    return { columns: stmt.columns().map((c) => c.name), rows: rows[Symbol.iterator](), close() {} };
  }

  subscribe(s: ApiStatement, options: SubscribeOptions): SubscriptionStream {
    const cursor = this.query(s);
    const stream = new FakeStream(this, 'sub-1');
    stream.push({ columns: cursor.columns });
    if (!options.skipRows) {
      let i = 1;
      for (let r = cursor.rows.next(); !r.done; r = cursor.rows.next()) stream.push({ row: [i++, r.value] });
    }
    stream.push({ eoq: { time: 0, change_id: 0 } });
    return stream;
  }

  attach(id: string, options: SubscribeOptions): SubscriptionStream {
    if (id !== 'sub-1') throw new NotFoundError(`no subscription with id ${id}`);
    if ((options.from ?? 0) < 5) throw new GoneError(`change id ${options.from} is older than kept`);
    return new FakeStream(this, id);
  }

  /** Sends an event to every open stream. */
  emit(event: QueryEvent): void {
    for (const s of this.streams) s.push(event);
  }

  members(): readonly ApiMember[] {
    return [{ id: 'a'.repeat(32), addr: '127.0.0.1:1', state: 'alive' }];
  }
  health(): HealthInfo {
    return this.health_;
  }
  async migrate(schemaSql: readonly string[]): Promise<void> {
    for (const sql of schemaSql) {
      if (!/^\s*create\s+(table|index)/i.test(sql))
        throw new StatementError(`only CREATE TABLE/INDEX: ${sql}`);
    }
    this.migrations.push([...schemaSql]);
    for (const sql of schemaSql) this.db.exec(sql);
  }
  async backup(path: string): Promise<void> {
    await this.db.backup(path);
  }
  async metrics(): Promise<string> {
    return '# HELP fake_backend_up 1\n# TYPE fake_backend_up gauge\nfake_backend_up 1\n';
  }
}

function args(s: ApiStatement): unknown[] {
  if (s.named) return [s.named];
  return s.params ? [...s.params] : [];
}

class FakeStream implements SubscriptionStream {
  readonly hash = 'hash-1';
  private queue: QueryEvent[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly backend: FakeBackend,
    readonly id: string,
  ) {
    backend.streams.add(this);
  }

  push(e: QueryEvent): void {
    this.queue.push(e);
    this.waiter?.();
  }

  close(): void {
    this.closed = true;
    this.backend.streams.delete(this);
    this.waiter?.();
  }

  get events(): AsyncIterable<QueryEvent> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const e = self.queue.shift();
          if (e) {
            yield e;
            continue;
          }
          if (self.closed) return;
          await new Promise<void>((r) => {
            self.waiter = r;
          });
          self.waiter = null;
        }
      },
    };
  }
}
