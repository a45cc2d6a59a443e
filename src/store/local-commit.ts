import type { CrdtDoc } from '../crdt/automerge-doc.js';
import { docIdFor } from '../crdt/row-key.js';
import { writeLocalRow } from '../crdt/row-ops.js';
import { VersionBook } from './books.js';
import type { Captured } from './capture.js';
import { MAX_CHANGES_PER_CHANGESET, MAX_CHANGESET_BYTES } from './changeset-codec.js';
import { StoreUsageError } from './errors.js';
import { foldLocal } from './local-fold.js';
import type { StoreCore } from './store-core.js';
import type { Changeset, DocChange, Version } from './types.js';

/**
 * What a local commit produced. Once SQLite has committed, the caller adopts `book` and updates
 * the tail: cleared when `folded`, else `changeset` with `hashes` added (see `LocalTail`).
 */
export interface LocalCommit {
  readonly changeset: Changeset;
  readonly tables: string[];
  readonly book: VersionBook;
  /** Hash of each of `changeset.changes`, same order. */
  readonly hashes: string[];
  /** Whether this commit folded the tail and itself into the documents and the hash index. */
  readonly folded: boolean;
}

/**
 * Turns the keys a local transaction touched into one changeset, inside that transaction: read
 * each touched row back from SQLite, write what differs into its document, commit one Automerge
 * change per touched document, log the changeset and book its version. The change is stored
 * once, in the log; the documents' chunks and the hash index get it at the next fold
 * (`LocalTail`), which this commit performs when the tail would exceed its bounds. Rows and documents are
 * visited in sorted order so the same writes give the same changes. Returns `null` (no version
 * used, nothing written) when no replicated row ended up different.
 */
export function commitLocal(core: StoreCore, captured: Captured): LocalCommit | null {
  const touched = new Map<string, { table: string; doc: string; handle: CrdtDoc }>();
  for (const tableName of [...captured.keys()].sort()) {
    const table = core.tables.get(tableName);
    const rows = captured.get(tableName);
    if (!table || !rows) continue;
    for (const rowKey of [...rows.keys()].sort()) {
      const pk = rows.get(rowKey) ?? [];
      const row = core.materialiser.readSqlRow(table, pk);
      const doc = docIdFor(rowKey);
      const handle = core.docs.get(tableName, doc);
      if (writeLocalRow(handle, rowKey, row, table.valueColumns.length)) {
        touched.set(`${tableName}\u0000${doc}`, { table: tableName, doc, handle });
      }
    }
  }
  const changes: DocChange[] = [];
  const hashes: string[] = [];
  const tables = new Set<string>();
  for (const id of [...touched.keys()].sort()) {
    const t = touched.get(id);
    if (!t) continue;
    const c = t.handle.commit();
    if (!c) continue;
    changes.push({ table: t.table, doc: t.doc, data: c.change });
    hashes.push(c.hash);
    tables.add(t.table);
  }
  if (changes.length === 0) return null;
  let bytes = 0;
  for (const c of changes) bytes += c.data.length;
  if (bytes > MAX_CHANGESET_BYTES || changes.length > MAX_CHANGES_PER_CHANGESET) {
    // Peers would refuse it (see changeset-codec.ts); refuse it here, before anything commits.
    throw new StoreUsageError(
      `the transaction changed too much (${bytes} bytes in ${changes.length} document changes; limits ${MAX_CHANGESET_BYTES} bytes, ${MAX_CHANGES_PER_CHANGESET} changes): split it into smaller transactions. Nothing was committed.`,
    );
  }
  const own = core.books.get(core.actor);
  const book = new VersionBook(own?.toRanges() ?? []);
  const version = (book.max + 1) as Version;
  book.add(version);
  const changeset: Changeset = { actor: core.actor, version, ts: core.hlc.now(), changes };
  // The own book is not written here: local versions are dense, so at open the store extends
  // the persisted own book up to the highest own version in the log (one write less per commit).
  core.log.appendLog(changeset);
  const folded = core.tail.wouldOverflow(changeset);
  if (folded) foldLocal(core, [...core.tail.list(), { version, changes, hashes }], version);
  return { changeset, tables: [...tables].sort(), book, hashes, folded };
}
