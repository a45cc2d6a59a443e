import { decodeChangeInfo } from '../crdt/automerge-doc.js';
import type { StoreCore } from './store-core.js';
import type { DocChange } from './types.js';

/** One own changeset to fold: its version, its document changes and their hashes (same order). */
export interface FoldItem {
  readonly version: number;
  readonly changes: readonly DocChange[];
  readonly hashes: readonly string[];
}

/**
 * Folds own changesets that are only in the log into the documents' chunks and the hash index,
 * inside the caller's transaction: one chunk per document (its changes concatenated in commit
 * order), one index entry per change, and `local_folded` set to `upTo`. See `LocalTail`.
 */
export function foldLocal(core: StoreCore, items: readonly FoldItem[], upTo: number): void {
  const perDoc = new Map<string, { table: string; doc: string; parts: Uint8Array[] }>();
  for (const it of items) {
    for (const c of it.changes) {
      const id = `${c.table}\u0000${c.doc}`;
      let d = perDoc.get(id);
      if (!d) {
        d = { table: c.table, doc: c.doc, parts: [] };
        perDoc.set(id, d);
      }
      d.parts.push(c.data);
    }
    core.log.indexHashes(core.actor, it.version, it.hashes);
  }
  for (const id of [...perDoc.keys()].sort()) {
    const d = perDoc.get(id);
    if (!d) continue;
    core.docs.appendChunk(
      d.table,
      d.doc,
      d.parts.length === 1 ? (d.parts[0] as Uint8Array) : Buffer.concat(d.parts),
    );
  }
  core.log.setLocalFolded(upTo);
}

/**
 * At open: folds every own changeset the log holds above `local_folded` (left by a crash or a
 * close since the last fold; bounded by the tail's bounds). Their hashes are recomputed by
 * decoding the changes. Runs inside the caller's transaction.
 */
export function foldLoggedTail(core: StoreCore): void {
  const from = core.log.localFolded();
  const rows = core.log.ownAbove(core.actor, from);
  if (rows.length === 0) return;
  const items: FoldItem[] = rows.map((cs) => ({
    version: cs.version,
    changes: cs.changes,
    hashes: cs.changes.map((c) => decodeChangeInfo(c.data).hash),
  }));
  foldLocal(core, items, (rows[rows.length - 1] as { version: number }).version);
}
