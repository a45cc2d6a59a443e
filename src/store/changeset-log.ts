import type { Database, Statement } from 'better-sqlite3';
import { VersionBook } from './books.js';
import { decodeChanges, encodeChanges } from './changeset-codec.js';
import type { ActorId, Changeset, HlcTimestamp, Version, VersionRange } from './types.js';

interface LogRow {
  actor: string;
  version: number;
  ts: number;
  changes: Buffer;
}

/** Limits for {@link ChangesetLog.range} reads. */
export interface ReadLimit {
  /** Most changesets returned; default 1000. */
  readonly maxChangesets?: number;
  /** Stop once the returned changes reach this many bytes (at least one changeset is returned); default 8 MiB. */
  readonly maxBytes?: number;
}

/** Default bounds of one `changesetsFor` answer. */
export const DEFAULT_READ_LIMIT = { maxChangesets: 1000, maxBytes: 8 * 1024 * 1024 } as const;

/** `__corro_meta` key of the highest own version folded into documents and the hash index. */
export const LOCAL_FOLDED_KEY = 'local_folded';

/** Most hashes one `changesetsContaining` call looks up; extra hashes are ignored. */
export const MAX_HASH_LOOKUP = 4096;

/**
 * The persisted changeset log, its hash index, the per-actor books and the pending changesets.
 * Every write happens inside the caller's transaction.
 */
export class ChangesetLog {
  private readonly insertCs: Statement;
  private readonly insertHash: Statement;
  private readonly upsertBook: Statement;
  private readonly selectRange: Statement;
  private readonly selectOne: Statement;
  private readonly selectHash: Statement;
  private readonly insertPending: Statement;
  private readonly deletePending: Statement;
  private readonly selectMeta: Statement;
  private readonly putMeta: Statement;

  constructor(private readonly db: Database) {
    this.insertCs = db.prepare(
      'INSERT INTO __corro_changesets (actor, version, ts, changes) VALUES (?, ?, ?, ?)',
    );
    this.insertHash = db.prepare(
      'INSERT OR IGNORE INTO __corro_hashes (hash, actor, version) VALUES (?, ?, ?)',
    );
    this.upsertBook = db.prepare(
      'INSERT INTO __corro_books (actor, ranges) VALUES (?, ?) ON CONFLICT (actor) DO UPDATE SET ranges = excluded.ranges',
    );
    this.selectRange = db.prepare(
      'SELECT actor, version, ts, changes FROM __corro_changesets WHERE actor = ? AND version BETWEEN ? AND ? ORDER BY version',
    );
    this.selectOne = db.prepare(
      'SELECT actor, version, ts, changes FROM __corro_changesets WHERE actor = ? AND version = ?',
    );
    this.selectHash = db.prepare('SELECT actor, version FROM __corro_hashes WHERE hash = ?');
    this.insertPending = db.prepare(
      'INSERT OR REPLACE INTO __corro_pending (actor, version, ts, changes, missing) VALUES (?, ?, ?, ?, ?)',
    );
    this.deletePending = db.prepare('DELETE FROM __corro_pending WHERE actor = ? AND version = ?');
    this.selectMeta = db.prepare('SELECT value FROM __corro_meta WHERE key = ?').pluck();
    this.putMeta = db.prepare('INSERT OR REPLACE INTO __corro_meta (key, value) VALUES (?, ?)');
  }

  /** Appends a changeset and indexes the hashes of its Automerge changes. */
  append(cs: Changeset, hashes: readonly string[]): void {
    this.appendLog(cs);
    this.indexHashes(cs.actor, cs.version, hashes);
  }

  /** Appends a changeset to the log only (a local commit: its hashes are indexed at the next fold, see `LocalTail`). */
  appendLog(cs: Changeset): void {
    this.insertCs.run(cs.actor, cs.version, cs.ts, encodeChanges(cs.changes));
  }

  /** Indexes change hashes as carried by `(actor, version)`. */
  indexHashes(actor: string, version: number, hashes: readonly string[]): void {
    for (const h of hashes) this.insertHash.run(Buffer.from(h, 'hex'), actor, version);
  }

  /** The highest own version folded into documents and the hash index (`LocalTail`); 0 when none. */
  localFolded(): number {
    const v = this.selectMeta.get(LOCAL_FOLDED_KEY);
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
  }

  /** Records the highest own version folded into documents and the hash index. */
  setLocalFolded(version: number): void {
    this.putMeta.run(LOCAL_FOLDED_KEY, version);
  }

  /** Every logged changeset of `actor` with a version above `version`, oldest first. */
  ownAbove(actor: string, version: number): Changeset[] {
    const rows = this.db
      .prepare(
        'SELECT actor, version, ts, changes FROM __corro_changesets WHERE actor = ? AND version > ? ORDER BY version',
      )
      .all(actor, version) as LogRow[];
    return rows.map(toChangeset);
  }

  /** Persists one actor's book. */
  saveBook(actor: string, book: VersionBook): void {
    this.upsertBook.run(actor, JSON.stringify(book.toRanges()));
  }

  /**
   * Every persisted book. Local commits do not write the own book (`own`), so it is extended here
   * with every own version logged above its persisted maximum.
   */
  loadBooks(own: string): Map<string, VersionBook> {
    const out = new Map<string, VersionBook>();
    const rows = this.db.prepare('SELECT actor, ranges FROM __corro_books').all() as {
      actor: string;
      ranges: string;
    }[];
    for (const r of rows) out.set(r.actor, new VersionBook(JSON.parse(r.ranges) as VersionRange[]));
    const book = out.get(own) ?? new VersionBook();
    const logged = this.db
      .prepare('SELECT version FROM __corro_changesets WHERE actor = ? AND version > ? ORDER BY version')
      .pluck()
      .all(own, book.max) as number[];
    for (const v of logged) book.add(v);
    if (book.max > 0) out.set(own, book);
    return out;
  }

  /** Stored changesets of `actor` with versions in the ranges, within `limit`. */
  range(
    actor: string,
    ranges: readonly VersionRange[],
    budget: { changesets: number; bytes: number },
  ): Changeset[] {
    const out: Changeset[] = [];
    for (const [from, to] of ranges) {
      for (const r of this.selectRange.iterate(actor, from, to) as IterableIterator<LogRow>) {
        if (budget.changesets <= 0 || budget.bytes <= 0) return out;
        out.push(toChangeset(r));
        budget.changesets--;
        budget.bytes -= r.changes.length;
      }
    }
    return out;
  }

  /** The stored changeset `(actor, version)`, if any. */
  get(actor: string, version: number): Changeset | undefined {
    const r = this.selectOne.get(actor, version) as LogRow | undefined;
    return r ? toChangeset(r) : undefined;
  }

  /** The changeset that carried the Automerge change `hash`, if stored. */
  byHash(hash: string): { actor: string; version: number } | undefined {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    return this.selectHash.get(Buffer.from(hash, 'hex')) as { actor: string; version: number } | undefined;
  }

  /** Persists a pending changeset with the hashes it waits for. */
  savePending(cs: Changeset, missing: readonly string[]): void {
    this.insertPending.run(cs.actor, cs.version, cs.ts, encodeChanges(cs.changes), JSON.stringify(missing));
  }

  /** Removes a pending changeset. */
  removePending(actor: string, version: number): void {
    this.deletePending.run(actor, version);
  }

  /** Every pending changeset, oldest timestamp first. */
  loadPending(): { cs: Changeset; missing: string[] }[] {
    const rows = this.db
      .prepare('SELECT actor, version, ts, changes, missing FROM __corro_pending ORDER BY ts, actor, version')
      .all() as (LogRow & { missing: string })[];
    return rows.map((r) => ({ cs: toChangeset(r), missing: JSON.parse(r.missing) as string[] }));
  }
}

function toChangeset(r: LogRow): Changeset {
  return {
    actor: r.actor as ActorId,
    version: r.version as Version,
    ts: r.ts as HlcTimestamp,
    changes: decodeChanges(r.changes),
  };
}
