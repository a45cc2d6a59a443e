import type { CrdtDoc } from '../crdt/automerge-doc.js';
import { decodeRowKey } from '../crdt/row-key.js';
import { decodeRowValue } from '../crdt/row-value.js';
import { VersionBook } from './books.js';
import { StoreError } from './errors.js';
import { type CheckedChange, type CheckedRow, checkChangeset, toBytes } from './remote-check.js';
import type { StoreCore } from './store-core.js';
import type { Changeset } from './types.js';

/** Outcome of one {@link applyBatch} (inside the caller's transaction). */
export interface BatchOutcome {
  readonly applied: Changeset[];
  readonly pending: Changeset[];
  readonly tables: Set<string>;
}

/**
 * Most bytes of changes staged before they are applied (1 MiB): the bound on the staging buffer.
 * At the bound the staged changes are applied (one `applyChanges` per document, as at the end
 * of the call) and staging starts again. 100 single-row changesets are ~20 KB, so small
 * changesets keep the whole batching gain; the applier's RSS at rest measured the same with a
 * 64 KiB bound (docs/architecture.md).
 */
export const MAX_STAGED_BYTES = 1024 * 1024;

/** Changes of one document accepted in this call but not applied to it yet. */
interface DocStage {
  readonly table: CheckedChange['table'];
  readonly doc: string;
  readonly changes: Uint8Array[];
  /** Rows the changes put, with the number of puts of each key over the whole stage. */
  readonly rows: Map<string, CheckedRow>;
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
  // Dependencies are per document (each is its own Automerge document), so what this call
  // accepted is keyed by document and hash: a change may only count on its own document's.
  const accepted = new Set<string>();
  const stages = new Map<string, DocStage>();
  const books = new Map<string, VersionBook>();
  let staged = 0;
  for (const { cs, checked } of batch) {
    const missing = missingDeps(core, checked, accepted);
    if (missing.length > 0) {
      if (core.pending.add(cs, missing)) out.pending.push(cs);
      continue;
    }
    stage(core, cs, checked, stages, arrived, accepted);
    for (const c of checked) staged += c.data.length;
    if (staged >= MAX_STAGED_BYTES) {
      flush(core, stages);
      stages.clear();
      staged = 0;
    }
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
  accepted: Set<string>,
): void {
  const hashes: string[] = [];
  for (const c of checked) {
    const id = `${c.table.name}\u0000${c.doc}`;
    let s = stages.get(id);
    if (!s) {
      s = { table: c.table, doc: c.doc, changes: [], rows: new Map() };
      stages.set(id, s);
    }
    // A change already present (possible only if the books were lost) is not applied twice.
    const scoped = docHashKey(c, c.info.hash);
    if (!accepted.has(scoped) && !core.docs.get(c.table.name, c.doc).hasChange(c.info.hash)) {
      s.changes.push(c.data);
    }
    for (const [k, r] of c.rows) {
      const prev = s.rows.get(k);
      s.rows.set(k, prev ? { ...r, puts: prev.puts + r.puts } : r);
    }
    hashes.push(c.info.hash);
    arrived.add(c.info.hash);
    accepted.add(scoped);
  }
  core.log.append(cs, hashes);
}

/** Applies the queued changes: one Automerge call and one chunk per document, then the rows. */
function flush(core: StoreCore, stages: Map<string, DocStage>): void {
  const docs: { s: DocStage; doc: CrdtDoc; fresh: Set<string> }[] = [];
  for (const s of stages.values()) {
    const doc = core.docs.get(s.table.name, s.doc);
    // A key the document never held, put once in this stage, ends with exactly that value (the
    // store only ever puts keys, never deletes them), so its row needs no read from Automerge.
    const fresh = new Set<string>();
    for (const [k, r] of s.rows) if (r.puts === 1 && !doc.mayHold(k)) fresh.add(k);
    if (s.changes.length > 0) {
      doc.applyChanges(s.changes, s.rows.keys());
      // Automerge silently queues a change whose dependencies it lacks; dependencies were
      // checked above, so a queued change is a bug that must not be booked as applied.
      if (doc.hasQueuedChanges()) {
        throw new ApplyInvariantError(`a change of document ${s.doc} of ${s.table.name} was not applied`);
      }
      core.docs.append(s.table.name, s.doc, concat(s.changes));
    }
    docs.push({ s, doc, fresh });
  }
  for (const { s, doc, fresh } of docs) {
    const width = s.table.valueColumns.length;
    const arity = s.table.primaryKey.length;
    for (const [rowKey, r] of s.rows) {
      const bytes = fresh.has(rowKey) ? toBytes(r.value) : undefined;
      if (bytes) core.materialiser.write(s.table, decodeRowKey(rowKey, arity), decodeRowValue(bytes, width));
      else core.materialiser.materialise(s.table, doc, rowKey);
    }
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
 * `accepted` (changes accepted earlier in the same call, keyed by {@link docHashKey}) contains.
 */
export function missingDeps(
  core: StoreCore,
  checked: readonly CheckedChange[],
  accepted?: ReadonlySet<string>,
): string[] {
  const missing: string[] = [];
  for (const c of checked) {
    const doc = core.docs.get(c.table.name, c.doc);
    for (const dep of c.info.deps) {
      if (!accepted?.has(docHashKey(c, dep)) && !doc.hasChange(dep)) missing.push(dep);
    }
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
  stage(core, cs, checked, stages, local, new Set());
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

/** Key of a change hash within its document, for the per-call `accepted` set. */
function docHashKey(c: CheckedChange, hash: string): string {
  return `${c.table.name}\u0000${c.doc}\u0000${hash}`;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts);
}

/** Thrown when Automerge did not take a change whose dependencies were checked (a bug, never expected). */
export class ApplyInvariantError extends StoreError {
  override readonly name = 'ApplyInvariantError';
}
