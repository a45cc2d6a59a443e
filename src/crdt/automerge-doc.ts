import * as A from '@automerge/automerge';

// This is the only module that imports Automerge. It uses the low-level document handle
// (`getBackend`) rather than the proxy `change()` API: DESIGN.md measured 5-9 ms per proxy change
// on a 10k-row document against ~65 us per handle put/commit, flat in document size.

type Backend = ReturnType<typeof A.getBackend>;

/** The Automerge scalar types corro writes; every value carries one explicitly. */
export type CrdtDatatype = 'int' | 'f64' | 'str' | 'bytes' | 'null';

/** A scalar read back from a document with its type, as Automerge returns it. */
export type CrdtScalar =
  | readonly ['int', number]
  | readonly ['f64', number]
  | readonly ['str', string]
  | readonly ['bytes', Uint8Array]
  | readonly ['null', null];

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
 * One loaded Automerge document: a flat map from string keys to typed scalars. corro keeps rows
 * as flat keys (see `row-key.ts`), never nested objects, because two peers creating "the same"
 * nested map concurrently would create two objects and lose per-column merge.
 */
export class CrdtDoc {
  private constructor(private readonly h: Backend) {}

  /** A new empty document whose local changes are authored by `actor` (hex). */
  static create(actor: string): CrdtDoc {
    return new CrdtDoc(A.getBackend(A.init({ actor: actor as A.ActorId })));
  }

  /**
   * A document rebuilt from saved bytes: a snapshot and/or change chunks, concatenated in the
   * order they were produced.
   */
  static load(actor: string, bytes: Uint8Array): CrdtDoc {
    const doc = CrdtDoc.create(actor);
    if (bytes.length > 0) doc.h.loadIncremental(bytes);
    return doc;
  }

  /** The winning value of `key`, or `undefined` when the key was never written. */
  get(key: string): CrdtScalar | undefined {
    const v = this.h.getWithType('_root', key);
    if (v === null || v === undefined) return undefined;
    return normalise(v[0], v[1]);
  }

  /** Every concurrent value of `key` (Automerge keeps all conflicting writes until overwritten). */
  getAll(key: string): CrdtScalar[] {
    const out: CrdtScalar[] = [];
    for (const v of this.h.getAll('_root', key)) {
      const s = normalise(v[0], v[1]);
      if (s) out.push(s);
    }
    return out;
  }

  /** Writes a typed scalar (part of the pending local change until {@link commit}). */
  put(key: string, value: number | string | Uint8Array | null, datatype: CrdtDatatype): void {
    this.h.put('_root', key, value, datatype);
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

  /** Discards puts made since the last commit. */
  rollback(): void {
    this.h.rollback();
  }

  /** Applies a remote change. The caller checks dependencies first (Automerge would queue it silently). */
  applyChange(change: Uint8Array): void {
    this.h.applyChanges([change]);
  }

  /** Whether the document contains the change with this hash. */
  hasChange(hash: string): boolean {
    return this.h.getChangeMetaByHash(hash) !== null;
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

function normalise(type: string, value: unknown): CrdtScalar | undefined {
  switch (type) {
    case 'int':
    case 'uint':
      return ['int', Number(value)];
    case 'f64':
      return ['f64', value as number];
    case 'str':
      return ['str', value as string];
    case 'bytes':
      return ['bytes', value as Uint8Array];
    case 'null':
      return ['null', null];
    default:
      // Types corro never writes (counters, timestamps, booleans, objects) are invisible.
      return undefined;
  }
}
