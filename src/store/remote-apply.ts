import type { CrdtDoc } from '../crdt/automerge-doc.js';
import { VersionBook } from './books.js';
import { StoreError } from './errors.js';
import { type CheckedChange, checkChangeset } from './remote-check.js';
import type { StoreCore } from './store-core.js';
import type { Changeset } from './types.js';

/** Outcome of one {@link applyBatch} (inside the caller's transaction). */
export interface BatchOutcome {
  readonly applied: Changeset[];
  readonly pending: Changeset[];
  readonly tables: Set<string>;
}

/** Changes of one document accepted in this call but not applied to it yet. */
interface DocStage {
  readonly table: CheckedChange['table'];
  readonly doc: string;
  readonly changes: Uint8Array[];
  readonly hashes: string[];
  readonly rowKeys: Set<string>;
}

/**
 * Applies validated remote changesets inside the caller's transaction. A changeset whose
 * Automerge dependencies are all present (in its documents, or earlier in this call) is accepted
 * whole; otherwise it is kept pending (bounded, see `PendingSet`). Accepted changesets are applied
 * per document in one batch: one `applyChanges` call and one stored chunk per document, each
 * touched row rematerialised once, one book write per actor (measured in docs/architecture.md:
 * the per-change fixed cost of Automerge and SQLite dominated small changesets). Atomicity holds
 * because the whole call is one SQLite transaction, rolled back with the documents on failure.
 * After any progress, pending changesets waiting for a hash that just arrived are retried until
 * nothing more applies, each in its own savepoint.
 */
export function applyBatch(
  core: StoreCore,
  batch: readonly { cs: Changeset; checked: CheckedChange[] }[],
): BatchOutcome {
  const out: BatchOutcome = { applied: [], pending: [], tables: new Set() };
  const arrived = new Set<string>();
  const stages = new Map<string, DocStage>();
  const books = new Map<string, VersionBook>();
  for (const { cs, checked } of batch) {
    const missing = missingDeps(core, checked, arrived);
    if (missing.length > 0) {
      if (core.pending.add(cs, missing)) out.pending.push(cs);
      continue;
    }
    stage(core, cs, checked, stages, arrived);
    let book = books.get(cs.actor);
    if (!book) {
      book = new VersionBook(core.books.get(cs.actor)?.toRanges() ?? []);
      books.set(cs.actor, book);
    }
    book.add(cs.version);
    for (const c of checked) out.tables.add(c.table.name);
    out.applied.push(cs);
  }
  flush(core, stages);
  for (const [actor, book] of books) core.log.saveBook(actor, book);
  // Memory changes only after every write above succeeded (a throw reloads the books anyway).
  for (const [actor, book] of books) core.books.set(actor, book);
  for (const cs of out.applied) core.hlc.receive(cs.ts);
  retryPending(core, out, arrived);
  return out;
}

/** Logs an accepted changeset and queues its changes for their documents. */
function stage(
  core: StoreCore,
  cs: Changeset,
  checked: readonly CheckedChange[],
  stages: Map<string, DocStage>,
  arrived: Set<string>,
): void {
  const hashes: string[] = [];
  for (const c of checked) {
    const id = `${c.table.name}\u0000${c.doc}`;
    let s = stages.get(id);
    if (!s) {
      s = { table: c.table, doc: c.doc, changes: [], hashes: [], rowKeys: new Set() };
      stages.set(id, s);
    }
    // A change already present (possible only if the books were lost) is not applied twice.
    if (!arrived.has(c.info.hash) && !core.docs.get(c.table.name, c.doc).hasChange(c.info.hash)) {
      s.changes.push(c.data);
      s.hashes.push(c.info.hash);
    }
    for (const k of c.rowKeys) s.rowKeys.add(k);
    hashes.push(c.info.hash);
    arrived.add(c.info.hash);
  }
  core.log.append(cs, hashes);
}

/** Applies the queued changes: one Automerge call and one chunk per document, then the rows. */
function flush(core: StoreCore, stages: Map<string, DocStage>): void {
  const docs: { s: DocStage; doc: CrdtDoc }[] = [];
  for (const s of stages.values()) {
    const doc = core.docs.get(s.table.name, s.doc);
    if (s.changes.length > 0) {
      doc.applyChanges(s.changes);
      // Automerge silently queues a change whose dependencies it lacks; dependencies were
      // checked above, so a queued change is a bug that must not be booked as applied.
      for (const h of s.hashes) {
        if (!doc.hasChange(h)) throw new ApplyInvariantError(`change ${h} was not applied to its document`);
      }
      core.docs.append(s.table.name, s.doc, concat(s.changes));
    }
    docs.push({ s, doc });
  }
  for (const { s, doc } of docs) {
    for (const rowKey of s.rowKeys) core.materialiser.materialise(s.table, doc, rowKey);
  }
}

/**
 * Retries pending changesets that wait for a hash that arrived, until nothing more applies. Each
 * runs in a savepoint: one that fails (a value violating a NOT NULL or CHECK constraint here) is
 * dropped and counted, so it cannot fail every later apply.
 */
function retryPending(core: StoreCore, out: BatchOutcome, arrived: Set<string>): void {
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
        // Valid but not applicable here; its documents reload from SQLite.
        core.docs.discardTouched();
        core.pending.failed++;
        continue;
      }
      progress = true;
    }
  }
}

/**
 * The dependency hashes of a changeset's changes that neither their documents hold nor
 * `accepted` (changes accepted earlier in the same call) contains.
 */
export function missingDeps(
  core: StoreCore,
  checked: readonly CheckedChange[],
  accepted?: ReadonlySet<string>,
): string[] {
  const missing: string[] = [];
  for (const c of checked) {
    const doc = core.docs.get(c.table.name, c.doc);
    for (const dep of c.info.deps) if (!accepted?.has(dep) && !doc.hasChange(dep)) missing.push(dep);
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
  const stages = new Map<string, DocStage>();
  const local = new Set<string>();
  stage(core, cs, checked, stages, local);
  flush(core, stages);
  const book = new VersionBook(core.books.get(cs.actor)?.toRanges() ?? []);
  book.add(cs.version);
  core.log.saveBook(cs.actor, book);
  // Nothing below throws: memory changes only once every write above succeeded.
  core.books.set(cs.actor, book);
  core.hlc.receive(cs.ts);
  for (const h of local) arrived.add(h);
  for (const c of checked) out.tables.add(c.table.name);
  out.applied.push(cs);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts);
}

/** Thrown when Automerge did not take a change whose dependencies were checked (a bug). */
export class ApplyInvariantError extends StoreError {
  override readonly name = 'ApplyInvariantError';
}
