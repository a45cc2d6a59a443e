import type {
  ActorId,
  ApplyResult,
  Changeset,
  CommitEvent,
  Needs,
  SyncState,
  Version,
} from '../store/types.js';

/**
 * The part of the store that replication uses, as a small structural interface: the real
 * `Store` satisfies it, and tests and the simulator may pass anything else that does.
 * Every method is synchronous (better-sqlite3), which keeps replication deterministic in
 * virtual time.
 */
export interface ReplicaStore {
  /** Applies remote changesets: idempotent, order-independent, each one atomic. */
  apply(changesets: readonly Changeset[]): ApplyResult;
  /** Per actor, the versions applied here (max + gaps). */
  syncState(): SyncState;
  /**
   * Stored changesets for the given ranges, at most `limit.maxChangesets` of them and about
   * `limit.maxBytes` of changes (at least one).
   */
  changesetsFor(needs: Needs, limit?: { maxChangesets?: number; maxBytes?: number }): readonly Changeset[];
  /** Whether (actor, version) is booked here. */
  has(actor: ActorId | string, version: Version | number): boolean;
  /** Stored changesets holding any of these Automerge change hashes. */
  changesetsContaining(hashes: readonly string[]): readonly Changeset[];
  /** Calls `listener` after every commit that changed replicated rows. */
  onCommit(listener: (e: CommitEvent) => void): unknown;
}
