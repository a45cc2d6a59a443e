/**
 * The replicated store's data model, shared by the store, replication, the simulator and the
 * API. Changesets are what travels between nodes.
 */

/** A node's identity as a writer: 16 random bytes as 32 lowercase hex characters. */
export type ActorId = string & { readonly __brand: 'ActorId' };

/** Per-actor transaction counter, starting at 1, contiguous per actor. */
export type Version = number & { readonly __brand: 'Version' };

/**
 * Hybrid logical clock timestamp packed into one safe integer:
 * `physicalMs * 1000 + logical` (logical counter < 1000). See `store/hlc.ts`.
 */
export type HlcTimestamp = number & { readonly __brand: 'HlcTimestamp' };

/** One Automerge change to one of a table's documents. */
export interface DocChange {
  /** Replicated table name. */
  readonly table: string;
  /** Document id within the table (rows are grouped into a bounded number of documents). */
  readonly doc: string;
  /** The Automerge change bytes. */
  readonly data: Uint8Array;
}

/** Everything one local transaction changed: the unit of replication, applied atomically. */
export interface Changeset {
  readonly actor: ActorId;
  readonly version: Version;
  readonly ts: HlcTimestamp;
  readonly changes: readonly DocChange[];
}

/** Inclusive version range `[from, to]`. */
export type VersionRange = readonly [from: number, to: number];

/** What a node has applied from one actor: everything up to `max` except the gap ranges. */
export interface ActorBook {
  readonly max: number;
  readonly gaps: readonly VersionRange[];
}

/** A node's bookkeeping over every actor it has heard of; exchanged by anti-entropy. */
export interface SyncState {
  readonly actor: ActorId;
  readonly books: Readonly<Record<string, ActorBook>>;
}

/** Version ranges wanted, per actor. */
export type Needs = Readonly<Record<string, readonly VersionRange[]>>;

/** Outcome of `store.apply`. */
export interface ApplyResult {
  /** Changesets applied now (including pending ones that became applicable). */
  readonly applied: readonly { actor: ActorId; version: Version }[];
  /** Changesets kept until their Automerge dependencies arrive. */
  readonly pending: readonly { actor: ActorId; version: Version; missing: readonly string[] }[];
  /** Changesets already booked (duplicates), ignored. */
  readonly duplicates: number;
}

/** SQL parameters: positional or named, as better-sqlite3 takes them. */
export type SqlParams = readonly unknown[] | Readonly<Record<string, unknown>>;

/** Emitted after every commit that changed replicated rows, local or remote. */
export interface CommitEvent {
  readonly source: 'local' | 'remote';
  /** Tables whose rows changed. */
  readonly tables: readonly string[];
  /** The changesets committed (one for a local write; possibly several for an apply). */
  readonly changesets: readonly Changeset[];
}
