import type Database from 'better-sqlite3';

/**
 * Read connections for streaming queries. better-sqlite3 allows one open iterator per
 * connection, and a query streams to a slow client for as long as it takes, so each running
 * query holds its own connection. At most `maxIdle` connections are kept for reuse; the number
 * in use is bounded by the HTTP server's concurrency bound.
 */
export class ReadPool {
  private idle: Database.Database[] = [];
  private closed = false;

  constructor(
    private readonly open: () => Database.Database,
    private readonly maxIdle = 4,
  ) {}

  /** A connection for exclusive use; give it back with {@link ReadPool.release}. */
  acquire(): Database.Database {
    return this.idle.pop() ?? this.open();
  }

  /** Returns a connection (closed instead when the pool is full or closed). */
  release(db: Database.Database): void {
    if (this.closed || this.idle.length >= this.maxIdle) db.close();
    else this.idle.push(db);
  }

  /** Closes the idle connections; connections in use close on release. */
  close(): void {
    this.closed = true;
    for (const db of this.idle) db.close();
    this.idle = [];
  }
}
