import { VersionBook } from './books.js';
import { type CheckedChange, checkChangeset } from './remote-check.js';
import type { StoreCore } from './store-core.js';
import type { Changeset } from './types.js';

/** Outcome of one {@link applyBatch} (inside the caller's transaction). */
export interface BatchOutcome {
  readonly applied: Changeset[];
  readonly pending: Changeset[];
  readonly tables: Set<string>;
}

/**
 * Applies validated remote changesets inside the caller's transaction. A changeset whose
 * Automerge dependencies are all present is applied whole: its changes go into their documents,
 * the touched rows are rematerialised, and it is logged and booked. Otherwise it is kept pending
 * (bounded, see `PendingSet`). After any progress, pending changesets waiting for a hash that
 * just arrived are retried until nothing more applies.
 */
export function applyBatch(
  core: StoreCore,
  batch: readonly { cs: Changeset; checked: CheckedChange[] }[],
): BatchOutcome {
  const out: BatchOutcome = { applied: [], pending: [], tables: new Set() };
  const arrived = new Set<string>();
  for (const { cs, checked } of batch) {
    const missing = missingDeps(core, checked);
    if (missing.length > 0) {
      if (core.pending.add(cs, missing)) out.pending.push(cs);
      continue;
    }
    applyOne(core, cs, checked, out, arrived);
  }
  let progress = arrived.size > 0;
  while (progress) {
    progress = false;
    for (const p of core.pending.list()) {
      if (!p.missing.some((h) => arrived.has(h))) continue;
      let checked: CheckedChange[];
      try {
        checked = checkChangeset(p.cs, core.tables);
      } catch {
        // Only possible if the schema changed since it was kept; it cannot apply, drop it.
        core.pending.remove(p.cs);
        continue;
      }
      const missing = missingDeps(core, checked);
      if (missing.length > 0) {
        p.missing = missing;
        continue;
      }
      core.pending.remove(p.cs);
      try {
        // A nested better-sqlite3 transaction is a savepoint: a failure undoes only this one.
        core.db.transaction(() => applyOne(core, p.cs, checked, out, arrived))();
      } catch {
        // Valid but not applicable here (say a value violating a NOT NULL or CHECK constraint).
        // Dropped and counted, so it cannot fail every later apply; its documents reload.
        core.docs.discardTouched();
        core.pending.failed++;
        continue;
      }
      progress = true;
    }
  }
  return out;
}

/** The dependency hashes of a changeset's changes that their documents do not hold yet. */
export function missingDeps(core: StoreCore, checked: readonly CheckedChange[]): string[] {
  const missing: string[] = [];
  for (const c of checked) {
    const doc = core.docs.get(c.table.name, c.doc);
    for (const dep of c.info.deps) if (!doc.hasChange(dep)) missing.push(dep);
  }
  return missing;
}

function applyOne(
  core: StoreCore,
  cs: Changeset,
  checked: readonly CheckedChange[],
  out: BatchOutcome,
  arrived: Set<string>,
): void {
  const hashes: string[] = [];
  for (const c of checked) {
    const doc = core.docs.get(c.table.name, c.doc);
    // A change already present (possible only if the books were lost) is not applied twice.
    if (!doc.hasChange(c.info.hash)) {
      doc.applyChange(c.data);
      core.docs.append(c.table.name, c.doc, c.data);
    }
    hashes.push(c.info.hash);
  }
  for (const c of checked) {
    const doc = core.docs.get(c.table.name, c.doc);
    for (const rowKey of c.rowKeys) core.materialiser.materialise(c.table, doc, rowKey);
  }
  core.log.append(cs, hashes);
  const book = new VersionBook(core.books.get(cs.actor)?.toRanges() ?? []);
  book.add(cs.version);
  core.log.saveBook(cs.actor, book);
  // Nothing below throws: memory changes only once every write above succeeded.
  core.books.set(cs.actor, book);
  core.hlc.receive(cs.ts);
  for (const h of hashes) arrived.add(h);
  for (const c of checked) out.tables.add(c.table.name);
  out.applied.push(cs);
}
