import type { Changeset, DocChange } from './types.js';

/** Most own changesets kept only in the log before they are folded into documents and the hash index. */
export const LOCAL_TAIL_MAX_CHANGESETS = 256;
/** Most bytes of Automerge changes in the tail (1 MiB): what a document load replays at worst. */
export const LOCAL_TAIL_MAX_BYTES = 1024 * 1024;
/** Most document changes (and so hashes) in the tail. */
export const LOCAL_TAIL_MAX_CHANGES = 4096;

/**
 * The own changesets committed since the last fold (the "tail"): logged in `__corro_changesets`
 * only, not yet stored as document chunks in `__corro_docs` nor indexed in `__corro_hashes`.
 *
 * Why: a local change used to be written three times per commit (document chunk, log row, hash
 * index entry), each in its own B-tree, so a single-row commit wrote ~7 WAL pages against raw
 * SQLite's ~1.5. The log alone is enough to rebuild the other two, so they are written once per
 * tail instead of once per commit: `__corro_meta.local_folded` holds the highest own version
 * whose changes are in the documents' chunks and the hash index; everything above it is in the
 * log and, in memory, here. A document load replays the tail's changes for that document after
 * its chunks; `changesetsContaining` consults the tail after the hash index.
 *
 * Bounds: at most {@link LOCAL_TAIL_MAX_CHANGESETS} changesets, {@link LOCAL_TAIL_MAX_BYTES}
 * bytes and {@link LOCAL_TAIL_MAX_CHANGES} changes. A commit that would exceed any of them folds
 * the tail (and itself) into the documents and the index, inside that commit's SQLite transaction; a
 * changeset larger than a bound on its own is folded at once. At open the store folds whatever
 * the log holds above `local_folded` (a crash or a close left it there), so this memory always
 * mirrors the committed file. It changes only after SQLite committed (see `Store.transaction`).
 */
export class LocalTail {
  private readonly byDoc = new Map<string, Uint8Array[]>();
  private readonly byHash = new Map<string, number>();
  private entries: { version: number; changes: readonly DocChange[]; hashes: readonly string[] }[] = [];
  private bytesHeld = 0;
  private changesHeld = 0;

  /** Whether adding `cs` would take the tail past a bound (the caller then folds instead). */
  wouldOverflow(cs: Changeset): boolean {
    let bytes = 0;
    for (const c of cs.changes) bytes += c.data.length;
    return (
      this.entries.length + 1 > LOCAL_TAIL_MAX_CHANGESETS ||
      this.bytesHeld + bytes > LOCAL_TAIL_MAX_BYTES ||
      this.changesHeld + cs.changes.length > LOCAL_TAIL_MAX_CHANGES
    );
  }

  /** Records a committed own changeset (`hashes[i]` is the hash of `cs.changes[i]`). */
  add(cs: Changeset, hashes: readonly string[]): void {
    this.entries.push({ version: cs.version, changes: cs.changes, hashes });
    for (let i = 0; i < cs.changes.length; i++) {
      const c = cs.changes[i] as DocChange;
      const id = docKey(c.table, c.doc);
      let list = this.byDoc.get(id);
      if (!list) {
        list = [];
        this.byDoc.set(id, list);
      }
      list.push(c.data);
      this.bytesHeld += c.data.length;
      const h = hashes[i];
      if (h !== undefined) this.byHash.set(h, cs.version);
    }
    this.changesHeld += cs.changes.length;
  }

  /** Forgets everything (after a committed fold). */
  clear(): void {
    this.byDoc.clear();
    this.byHash.clear();
    this.entries = [];
    this.bytesHeld = 0;
    this.changesHeld = 0;
  }

  /** The tail's changes of one document, in commit order. */
  docChanges(table: string, doc: string): readonly Uint8Array[] {
    return this.byDoc.get(docKey(table, doc)) ?? [];
  }

  /** The own version whose changeset carried the change `hash`, if it is in the tail. */
  versionOf(hash: string): number | undefined {
    return this.byHash.get(hash);
  }

  /** The tail's changesets, oldest first (what a fold writes). */
  list(): readonly { version: number; changes: readonly DocChange[]; hashes: readonly string[] }[] {
    return this.entries;
  }

  /** Number of changesets in the tail. */
  get size(): number {
    return this.entries.length;
  }
}

function docKey(table: string, doc: string): string {
  return `${table}\u0000${doc}`;
}
