import Database, { type Database as Db } from 'better-sqlite3';
import { realRuntime } from '../runtime/real-runtime.js';
import { randomBytes } from '../runtime/rng.js';
import type { VersionBook } from './books.js';
import { Capture } from './capture.js';
import { isActorId, validateChangeset } from './changeset-codec.js';
import { ChangesetLog, DEFAULT_READ_LIMIT, MAX_HASH_LOOKUP } from './changeset-log.js';
import { DocCache } from './doc-cache.js';
import {
  InvalidChangesetError,
  MigrationError,
  StoreClosedError,
  StoreError,
  StoreUsageError,
} from './errors.js';
import { HybridClock } from './hlc.js';
import { commitLocal, type LocalCommit } from './local-commit.js';
import { foldLoggedTail } from './local-fold.js';
import { LocalTail } from './local-tail.js';
import { Materialiser } from './materialise.js';
import { PendingSet } from './pending.js';
import { applyBatch } from './remote-apply.js';
import { type CheckedChange, checkChangeset } from './remote-check.js';
import { parseSchema, type Schema } from './schema.js';
import { applySchema, describeTable } from './schema-apply.js';
import { readStatement, runStatement } from './sql-exec.js';
import { StatementCache } from './statement-cache.js';
import type { StoreCore } from './store-core.js';
import { openMeta } from './store-meta.js';
import type {
  ChangesetLimit,
  ExecResult,
  StoreOptions,
  StoreStats,
  StoreTx,
  TableDescription,
} from './store-options.js';
import type {
  ActorId,
  ApplyResult,
  Changeset,
  CommitEvent,
  Needs,
  SqlParams,
  SyncState,
  VersionRange,
} from './types.js';

/**
 * A replicated SQLite store. Write with ordinary SQL through {@link Store.exec} or
 * {@link Store.transaction}; each committed change to replicated rows becomes one
 * {@link Changeset}; {@link Store.apply} merges changesets from peers in any order. User rows,
 * CRDT state, the changeset log and the books always commit in one SQLite transaction.
 *
 * All methods are synchronous except {@link Store.backup}. A store is used by one thread.
 */
export class Store {
  /** This node's actor id. */
  readonly actorId: ActorId;
  private readonly core: StoreCore;
  private readonly stmts: StatementCache;
  private readonly listeners = new Set<(e: CommitEvent) => void>();
  private readonly inTransaction: <T>(fn: () => T) => T;
  private readonly txApi: StoreTx;
  private schemaText: string[];
  private inTx = false;
  private closed = false;
  private listenerErrors = 0;

  private constructor(
    private readonly db: Db,
    schema: Schema,
    schemaText: string[],
    opts: StoreOptions,
  ) {
    const runtime = opts.runtime ?? realRuntime();
    const capture = new Capture();
    capture.register(db);
    const tx = db.transaction((fn: () => unknown) => fn());
    this.inTransaction = <T>(fn: () => T) => tx(fn) as T;
    this.schemaText = schemaText;
    const actor = this.inTransaction(() => {
      const id = openMeta(db, opts.actorId, () => Buffer.from(randomBytes(runtime.rng, 16)).toString('hex'));
      applySchema(db, schema, schemaText);
      return id;
    });
    this.actorId = actor;
    const log = new ChangesetLog(db);
    const last = db
      .prepare('SELECT ts FROM __corro_changesets WHERE actor = ? ORDER BY version DESC LIMIT 1')
      .pluck()
      .get(actor) as number | undefined;
    const tail = new LocalTail();
    this.core = {
      db,
      actor,
      capture,
      docs: new DocCache(db, actor, opts.maxLoadedDocs ?? 64, opts.maxChunksPerDoc ?? 512, (t, d) =>
        tail.docChanges(t, d),
      ),
      tail,
      materialiser: new Materialiser(db),
      log,
      books: log.loadBooks(actor),
      pending: new PendingSet(log, opts.maxPendingChangesets, opts.maxPendingBytes),
      hlc: new HybridClock(runtime.clock, opts.maxClockDriftMs ?? 60_000, last ?? 0),
      tables: new Map(schema.tables.map((t) => [t.name, t])),
    };
    this.core.pending.reload();
    // Own changesets logged after the last fold (a crash or a close left them) are folded now, so
    // the in-memory tail starts empty and mirrors the file.
    try {
      this.inTransaction(() => foldLoggedTail(this.core));
    } finally {
      this.core.docs.commitTouched();
    }
    this.stmts = new StatementCache(db, opts.statementCacheSize ?? 128);
    this.txApi = {
      exec: (sql, params) => this.run(sql, params),
      query: (sql, params) => this.read(sql, params),
    };
  }

  /**
   * Opens (or creates) a store. The schema is validated first ({@link SchemaError}); an existing
   * database is migrated in place when the change is additive ({@link MigrationError} otherwise,
   * and nothing changes).
   */
  static open(opts: StoreOptions): Store {
    const schemaText = typeof opts.schema === 'string' ? [opts.schema] : [...opts.schema];
    const schema = parseSchema(schemaText);
    if (opts.actorId !== undefined && !isActorId(opts.actorId)) {
      throw new StoreUsageError('actorId must be 32 lowercase hex characters (16 bytes)');
    }
    if (opts.serialized !== undefined && opts.path !== ':memory:') {
      throw new StoreUsageError("serialized bytes open only as an in-memory database: pass path ':memory:'");
    }
    const db = opts.serialized !== undefined ? new Database(opts.serialized) : new Database(opts.path);
    try {
      if (opts.path !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = OFF');
      return new Store(db, schema, schemaText, opts);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * Runs one statement (with parameters) or a parameterless script of statements as its own
   * transaction. Returns the changeset produced, or `null` when no replicated row changed.
   * Inside {@link transaction}, use the `tx` handle instead.
   */
  exec(sql: string, params?: SqlParams): Changeset | null {
    return this.transaction((tx) => {
      tx.exec(sql, params);
    });
  }

  /**
   * Runs `fn` in one SQLite transaction; `fn` may run any INSERT / UPDATE / DELETE / UPSERT
   * statements through `tx`. Returns the one changeset produced, or `null` when no replicated
   * row changed. If `fn` (or corro) throws, everything is rolled back: no rows, no changeset,
   * no version used, and the error is rethrown. `fn` must be synchronous.
   */
  transaction(fn: (tx: StoreTx) => void): Changeset | null {
    this.assertOpen();
    if (this.inTx)
      throw new StoreUsageError('transactions do not nest: run the statements through the outer tx handle');
    const { capture, docs } = this.core;
    this.inTx = true;
    capture.reset();
    capture.mode = 'capture';
    let result: LocalCommit | null;
    try {
      result = this.inTransaction(() => {
        const r = fn(this.txApi) as unknown;
        if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function') {
          throw new StoreUsageError(
            'the transaction function must be synchronous (it returned a promise); nothing was committed',
          );
        }
        capture.mode = 'apply';
        return commitLocal(this.core, capture.take());
      });
    } catch (e) {
      docs.discardTouched();
      throw e;
    } finally {
      capture.mode = 'off';
      capture.reset();
      this.inTx = false;
    }
    docs.commitTouched();
    if (!result) return null;
    this.core.books.set(this.actorId, result.book);
    if (result.folded) this.core.tail.clear();
    else this.core.tail.add(result.changeset, result.hashes);
    this.emit({ source: 'local', tables: result.tables, changesets: [result.changeset] });
    return result.changeset;
  }

  /** Runs a read-only statement and returns plain row objects. Never touches Automerge. */
  query<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[] {
    this.assertOpen();
    return this.read<T>(sql, params);
  }

  /**
   * Applies changesets from peers: idempotent (duplicates are counted and ignored),
   * order-independent, each changeset atomic. One whose Automerge dependencies are missing is
   * persisted as pending and applied whole when they arrive. Every changeset is validated before
   * anything is touched: an invalid one throws {@link InvalidChangesetError} and nothing from this
   * call is applied (apply one peer message per call to isolate peers).
   */
  apply(changesets: readonly Changeset[]): ApplyResult {
    this.assertOpen();
    if (this.inTx) throw new StoreUsageError('apply() cannot run inside a transaction');
    const core = this.core;
    const batch: { cs: Changeset; checked: CheckedChange[] }[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const raw of changesets) {
      let cs: Changeset;
      try {
        cs = validateChangeset(raw);
      } catch (e) {
        throw new InvalidChangesetError((e as Error).message);
      }
      const id = `${cs.actor}/${cs.version}`;
      if (seen.has(id) || this.has(cs.actor, cs.version) || core.pending.has(cs.actor, cs.version)) {
        duplicates++;
        continue;
      }
      seen.add(id);
      batch.push({ cs, checked: checkChangeset(cs, core.tables) });
    }
    if (batch.length === 0) return { applied: [], pending: [], duplicates };
    core.capture.mode = 'apply';
    let outcome: ReturnType<typeof applyBatch>;
    try {
      outcome = this.inTransaction(() => applyBatch(core, batch));
    } catch (e) {
      core.docs.discardTouched();
      this.reloadBookkeeping();
      throw e instanceof StoreError
        ? e
        : new InvalidChangesetError(`applying failed, nothing applied: ${(e as Error).message}`);
    } finally {
      core.capture.mode = 'off';
    }
    core.docs.commitTouched();
    const pendingNow = outcome.pending.filter((cs) => core.pending.has(cs.actor, cs.version));
    const missingOf = new Map(core.pending.list().map((p) => [`${p.cs.actor}/${p.cs.version}`, p.missing]));
    if (outcome.applied.length > 0) {
      this.emit({ source: 'remote', tables: [...outcome.tables].sort(), changesets: outcome.applied });
    }
    return {
      applied: outcome.applied.map((cs) => ({ actor: cs.actor, version: cs.version })),
      pending: pendingNow.map((cs) => ({
        actor: cs.actor,
        version: cs.version,
        missing: [...(missingOf.get(`${cs.actor}/${cs.version}`) ?? [])],
      })),
      duplicates,
    };
  }

  /** Per actor, the versions applied here (max plus gaps). What anti-entropy exchanges. */
  syncState(): SyncState {
    this.assertOpen();
    const books: Record<string, { max: number; gaps: VersionRange[] }> = {};
    for (const [actor, book] of [...this.core.books].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      books[actor] = book.toActorBook() as { max: number; gaps: VersionRange[] };
    }
    return { actor: this.actorId, books };
  }

  /**
   * Stored changesets for the wanted ranges, in actor then version order, bounded by `limit`
   * (default 1000 changesets, 8 MiB). Ranges not stored here are skipped.
   */
  changesetsFor(needs: Needs, limit: ChangesetLimit = {}): Changeset[] {
    this.assertOpen();
    const budget = {
      changesets: Math.max(1, limit.maxChangesets ?? DEFAULT_READ_LIMIT.maxChangesets),
      bytes: Math.max(1, limit.maxBytes ?? DEFAULT_READ_LIMIT.maxBytes),
    };
    const out: Changeset[] = [];
    for (const actor of Object.keys(needs).sort()) {
      if (!isActorId(actor)) continue;
      const ranges: VersionRange[] = [];
      for (const r of needs[actor] ?? []) {
        if (!Array.isArray(r) || r.length !== 2) continue;
        const from = Math.max(1, Math.floor(Number(r[0])));
        const to = Math.floor(Number(r[1]));
        if (Number.isFinite(from) && Number.isFinite(to) && from <= to) ranges.push([from, to]);
      }
      out.push(...this.core.log.range(actor, ranges, budget));
      if (budget.changesets <= 0 || budget.bytes <= 0) break;
    }
    return out;
  }

  /** Whether version `version` of `actor` is applied here. */
  has(actor: string, version: number): boolean {
    return this.core.books.get(actor)?.has(version) ?? false;
  }

  /**
   * The stored changesets that carried any of these Automerge change hashes (answers a peer's
   * request for missing dependencies). At most 4096 hashes are looked up; unknown ones are skipped.
   */
  changesetsContaining(hashes: readonly string[]): Changeset[] {
    this.assertOpen();
    const found = new Map<string, { actor: string; version: number }>();
    for (const h of hashes.slice(0, MAX_HASH_LOOKUP)) {
      if (typeof h !== 'string') continue;
      const own = this.core.tail.versionOf(h);
      const r = own !== undefined ? { actor: this.actorId, version: own } : this.core.log.byHash(h);
      if (r) found.set(`${r.actor}/${r.version}`, r);
    }
    const out: Changeset[] = [];
    for (const { actor, version } of found.values()) {
      const cs = this.core.log.get(actor, version);
      if (cs) out.push(cs);
    }
    return out;
  }

  /** Registers a listener called after every commit that changed replicated rows. Returns an unsubscribe function. */
  onCommit(listener: (e: CommitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The replicated tables with their columns and primary key. */
  tables(): TableDescription[] {
    return [...this.core.tables.values()].map(describeTable);
  }

  /**
   * Applies a new schema to the open store, with the rules of {@link Store.open}: additive
   * changes migrate in place; anything else throws {@link MigrationError} or `SchemaError` and
   * nothing changes.
   */
  migrate(schema: string | readonly string[]): void {
    this.assertOpen();
    if (this.inTx) throw new StoreUsageError('migrate() cannot run inside a transaction');
    const text = typeof schema === 'string' ? [schema] : [...schema];
    const parsed = parseSchema(text);
    this.inTransaction(() => applySchema(this.db, parsed, text));
    this.schemaText = text;
    this.core.tables = new Map(parsed.tables.map((t) => [t.name, t]));
    this.core.materialiser.reset();
    this.stmts.clear();
  }

  /** The schema text the store was opened or last migrated with. */
  schema(): string[] {
    return [...this.schemaText];
  }

  /** Writes a consistent snapshot of the database to `path` (SQLite online backup). */
  async backup(path: string): Promise<void> {
    this.assertOpen();
    await this.db.backup(path);
  }

  /** The whole database as bytes; `Store.open({ path: ':memory:', serialized })` reopens it. */
  serialize(): Buffer {
    this.assertOpen();
    return this.db.serialize();
  }

  /** Sizes and counters for metrics. */
  stats(): StoreStats {
    return {
      loadedDocs: this.core.docs.size,
      pendingChangesets: this.core.pending.size,
      pendingBytes: this.core.pending.bytes,
      droppedPending: this.core.pending.dropped,
      failedPending: this.core.pending.failed,
      listenerErrors: this.listenerErrors,
    };
  }

  /** Closes the database and frees the documents. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.core.docs.clear();
    this.stmts.clear();
    this.listeners.clear();
    this.db.close();
  }

  private run(sql: string, params: SqlParams | undefined): ExecResult {
    return runStatement(this.db, this.stmts, sql, params);
  }

  private read<T>(sql: string, params: SqlParams | undefined): T[] {
    return readStatement<T>(this.stmts, sql, params);
  }

  private emit(e: CommitEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        this.listenerErrors++;
      }
    }
  }

  private reloadBookkeeping(): void {
    const books = this.core.log.loadBooks(this.actorId);
    this.core.books.clear();
    for (const [a, b] of books) this.core.books.set(a, b as VersionBook);
    this.core.pending.reload();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}
