import * as A from '@automerge/automerge';
import { KeyFilter } from './key-filter.js';

// This is the only module that imports Automerge. It uses the low-level document handle
// (`getBackend`) rather than the proxy `change()` API: DESIGN.md measured 5-9 ms per proxy change
// on a 10k-row document against ~65 us per handle put/commit, flat in document size.

type Backend = ReturnType<typeof A.getBackend>;

/** One operation of a decoded change, reduced to what corro validates. */
export interface CrdtOp {
  readonly action: string;
  readonly obj: string;
  readonly key: string;
  readonly datatype: string | undefined;
  readonly value: unknown;
}

/** The parts of a decoded Automerge change corro needs: who, which, what it depends on, its ops. */
export interface ChangeInfo {
  readonly actor: string;
  readonly hash: string;
  readonly seq: number;
  readonly deps: readonly string[];
  readonly ops: readonly CrdtOp[];
}

/** Thrown when bytes are not a decodable Automerge change. */
export class ChangeDecodeError extends Error {
  override readonly name = 'ChangeDecodeError';
}

/**
 * Decodes an Automerge change without applying it. Throws {@link ChangeDecodeError} for bytes that
 * are not a change (truncated, random, or holding values JS cannot represent).
 */
export function decodeChangeInfo(bytes: Uint8Array): ChangeInfo {
  let d: ReturnType<typeof A.decodeChange>;
  try {
    d = A.decodeChange(bytes);
  } catch (e) {
    throw new ChangeDecodeError(`not an Automerge change: ${(e as Error).message}`);
  }
  return {
    actor: d.actor,
    hash: d.hash,
    seq: d.seq,
    deps: d.deps,
    ops: d.ops.map((o) => ({
      action: o.action,
      obj: o.obj,
      key: o.key,
      datatype: o.datatype,
      value: (o as { value?: unknown }).value,
    })),
  };
}

/**
 * One loaded Automerge document: a flat map from row keys to row values (bytes, see
 * `row-value.ts`). Rows are flat keys, never nested objects, because two peers creating "the
 * same" nested map concurrently would create two objects and lose per-column merge.
 */
export class CrdtDoc {
  /**
   * The keys the document may hold (see `key-filter.ts`); `null` until first needed after a load
   * (building it lists every key, ~2.6 us per key) or after changes whose keys were not given.
   */
  private filter: KeyFilter | null;

  private constructor(
    private readonly h: Backend,
    empty: boolean,
  ) {
    this.filter = empty ? new KeyFilter() : null;
  }

  /** A new empty document whose local changes are authored by `actor` (hex). */
  static create(actor: string): CrdtDoc {
    return new CrdtDoc(A.getBackend(A.init({ actor: actor as A.ActorId })), true);
  }

  /**
   * A document rebuilt from saved bytes: a snapshot and/or change chunks, concatenated in the
   * order they were produced.
   */
  static load(actor: string, bytes: Uint8Array): CrdtDoc {
    const h = A.getBackend(A.init({ actor: actor as A.ActorId }));
    if (bytes.length > 0) h.loadIncremental(bytes);
    return new CrdtDoc(h, bytes.length === 0);
  }

  /**
   * Every concurrent bytes value of `key` in Automerge's op order (the winner last). A key the
   * key filter rules out is answered without asking Automerge.
   */
  getAllBytes(key: string): Uint8Array[] {
    if (!this.keyFilter().mayHold(key)) return [];
    const out: Uint8Array[] = [];
    for (const v of this.h.getAll('_root', key)) if (v[0] === 'bytes') out.push(v[1]);
    return out;
  }

  /** Writes a bytes value (part of the pending local change until {@link commit}). */
  putBytes(key: string, value: Uint8Array): void {
    this.h.put('_root', key, value, 'bytes');
    this.filter?.add(key);
  }

  /**
   * Whether the document holds a value for `key` (corro never deletes keys, so `false` means
   * never written). The key filter answers most absent keys; Automerge's `getAll` (~3.5 us for an
   * absent key) the rest. A JS set of keys answered this without Automerge but raised the
   * applier's RSS by ~600 bytes per row (measured, docs/architecture.md).
   */
  mayHold(key: string): boolean {
    if (!this.keyFilter().mayHold(key)) return false;
    return this.h.getAll('_root', key).length > 0;
  }

  private keyFilter(): KeyFilter {
    if (this.filter === null) {
      const keys = this.h.keys('_root');
      this.filter = new KeyFilter(keys.length);
      for (const k of keys) this.filter.add(k);
    }
    return this.filter;
  }

  /**
   * Closes the pending local change. Returns its hash and bytes, or `null` when nothing was put.
   * The change time is always 0 so identical puts give byte-identical changes on any machine.
   */
  commit(): { hash: string; change: Uint8Array } | null {
    const hash = this.h.commit(null, 0);
    if (hash === null) return null;
    const change = this.h.getLastLocalChange();
    if (change === null) return null;
    return { hash, change };
  }

  /** Discards puts made since the last commit (the key filter may keep their keys: harmless). */
  rollback(): void {
    this.h.rollback();
  }

  /**
   * Applies remote changes in one call (Automerge orders them by their dependencies; one call per
   * document is much cheaper than one per change, docs/architecture.md). The caller checks
   * dependencies first: Automerge would queue a change with missing dependencies silently.
   * `putKeys`: every key the changes put (validation decoded them); without it the key filter is
   * rebuilt from the document at its next use.
   */
  applyChanges(changes: Uint8Array[], putKeys?: Iterable<string>): void {
    this.h.applyChanges(changes);
    if (putKeys === undefined) this.filter = null;
    else if (this.filter !== null) for (const k of putKeys) this.filter.add(k);
  }

  /**
   * Whether the document contains the change with this hash. Uses `getMissingDeps`, ~3 us,
   * where `getChangeMetaByHash` took 13-60 us (measured, docs/architecture.md); exact because
   * corro never leaves a change queued in a document (see {@link hasQueuedChanges}).
   */
  hasChange(hash: string): boolean {
    return this.h.getMissingDeps([hash]).length === 0;
  }

  /** Whether Automerge holds changes it could not apply yet for lack of their dependencies. */
  hasQueuedChanges(): boolean {
    return this.h.getMissingDeps([]).length > 0;
  }

  /** The current heads (hashes of the changes nothing else depends on yet). */
  heads(): string[] {
    return this.h.getHeads();
  }

  /** Every key of the document, sorted. */
  keys(): string[] {
    return this.h.keys('_root');
  }

  /** A compact full snapshot of the document. */
  save(): Uint8Array {
    return this.h.save();
  }

  /** Releases the document's WebAssembly memory; the object must not be used afterwards. */
  free(): void {
    this.h.free();
  }
}
