import type { Database, Statement } from 'better-sqlite3';
import { CrdtDoc } from '../crdt/automerge-doc.js';

interface Entry {
  readonly doc: CrdtDoc;
  /** Chunks stored for this document (snapshot + changes). */
  chunks: number;
  /** Sequence number of the next chunk. */
  nextSeq: number;
}

/**
 * Loaded Automerge documents, persisted in `__corro_docs`. Each change made or applied is
 * appended as a chunk in the caller's transaction; when a document has more than
 * `maxChunksPerDoc` chunks they are replaced by one snapshot (`save()`), which bounds load time.
 *
 * At most `maxLoadedDocs` documents stay loaded; the least recently used one is freed when a new
 * one loads (it is reloaded from SQLite when needed again). Documents touched by the running
 * transaction are pinned, so the bound can be exceeded by the documents one transaction touches.
 * After a failed transaction the caller calls {@link discardTouched}: those documents are freed
 * and reload from SQLite, which rolled back, so memory never holds changes SQLite does not.
 */
export class DocCache {
  private readonly loaded = new Map<string, Entry>();
  private readonly touched = new Set<string>();
  private readonly selectChunks: Statement;
  private readonly insertChunk: Statement;
  private readonly deleteChunks: Statement;
  private readonly selectLastSeq: Statement;

  /**
   * @param actor hex actor id that authors local changes
   * @param maxLoadedDocs documents kept loaded (default 64, minimum 1)
   * @param maxChunksPerDoc chunks before a document is compacted into one snapshot (default 512)
   * @param tailChanges own changes logged but not yet stored as chunks (`LocalTail`), replayed
   *   after the chunks when a document loads
   */
  constructor(
    db: Database,
    private readonly actor: string,
    private readonly maxLoadedDocs = 64,
    private readonly maxChunksPerDoc = 512,
    private readonly tailChanges: (table: string, doc: string) => readonly Uint8Array[] = () => [],
  ) {
    this.selectChunks = db.prepare(
      'SELECT seq, data FROM __corro_docs WHERE tbl = ? AND doc = ? ORDER BY seq',
    );
    this.insertChunk = db.prepare('INSERT INTO __corro_docs (tbl, doc, seq, data) VALUES (?, ?, ?, ?)');
    this.deleteChunks = db.prepare('DELETE FROM __corro_docs WHERE tbl = ? AND doc = ? AND seq < ?');
    this.selectLastSeq = db
      .prepare('SELECT max(seq) FROM __corro_docs WHERE tbl = ? AND doc = ?')
      .pluck()
      .safeIntegers(false);
  }

  /** The document `doc` of `table`, loading or creating it; pins it for the running transaction. */
  get(table: string, doc: string): CrdtDoc {
    return this.entry(table, doc).doc;
  }

  private entry(table: string, doc: string): Entry {
    const id = `${table}\u0000${doc}`;
    let e = this.loaded.get(id);
    if (e) {
      this.loaded.delete(id);
      this.loaded.set(id, e);
    } else {
      const rows = this.selectChunks.all(table, doc) as { seq: number; data: Buffer }[];
      // The tail's own changes come after the chunks; a remote chunk that depends on one of them
      // is fine: Automerge orders the changes of one load by their dependencies.
      const bytes = Buffer.concat([...rows.map((r) => r.data), ...this.tailChanges(table, doc)]);
      e = {
        doc: CrdtDoc.load(this.actor, bytes),
        chunks: rows.length,
        nextSeq: rows.length > 0 ? (rows[rows.length - 1] as { seq: number }).seq + 1 : 0,
      };
      this.loaded.set(id, e);
      this.touched.add(id);
      this.evictOverBound();
    }
    this.touched.add(id);
    return e;
  }

  /** Persists a change just made to or applied on a loaded document (inside the caller's transaction). */
  append(table: string, doc: string, change: Uint8Array): void {
    const e = this.entry(table, doc);
    this.insertChunk.run(table, doc, e.nextSeq++, change);
    e.chunks++;
    if (e.chunks > this.maxChunksPerDoc) {
      const snapshot = e.doc.save();
      this.insertChunk.run(table, doc, e.nextSeq, snapshot);
      this.deleteChunks.run(table, doc, e.nextSeq);
      e.nextSeq++;
      e.chunks = 1;
    }
  }

  /**
   * Persists a chunk of changes the document already holds in memory, or holds in SQLite (a fold
   * of own changes, see `LocalTail`), without loading it: a document that is not loaded is not
   * compacted here (its chunk count is checked at its next append while loaded).
   */
  appendChunk(table: string, doc: string, bytes: Uint8Array): void {
    if (this.loaded.has(`${table}\u0000${doc}`)) {
      this.append(table, doc, bytes);
      return;
    }
    const last = this.selectLastSeq.get(table, doc) as number | null;
    this.insertChunk.run(table, doc, last === null ? 0 : last + 1, bytes);
  }

  /** Ends a successful transaction: unpins its documents. */
  commitTouched(): void {
    this.touched.clear();
    this.evictOverBound();
  }

  /** Ends a failed transaction: frees the documents it touched so they reload from SQLite. */
  discardTouched(): void {
    for (const id of this.touched) {
      const e = this.loaded.get(id);
      if (e) {
        this.loaded.delete(id);
        e.doc.free();
      }
    }
    this.touched.clear();
  }

  /** Frees every loaded document. */
  clear(): void {
    for (const e of this.loaded.values()) e.doc.free();
    this.loaded.clear();
    this.touched.clear();
  }

  /** Number of loaded documents. */
  get size(): number {
    return this.loaded.size;
  }

  private evictOverBound(): void {
    if (this.loaded.size <= this.maxLoadedDocs) return;
    for (const [id, e] of this.loaded) {
      if (this.loaded.size <= this.maxLoadedDocs) break;
      if (this.touched.has(id)) continue;
      this.loaded.delete(id);
      e.doc.free();
    }
  }
}
