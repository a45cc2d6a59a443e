import type { ChangesetLog } from './changeset-log.js';
import type { Changeset } from './types.js';

/** A changeset waiting for Automerge dependencies. */
export interface PendingEntry {
  readonly cs: Changeset;
  /** Change hashes it still waits for. */
  missing: readonly string[];
  readonly bytes: number;
}

/** Defaults of the pending bounds. */
export const DEFAULT_MAX_PENDING_CHANGESETS = 10_000;
/** Default bound on the bytes of pending changes: 64 MiB. */
export const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;

/**
 * Changesets kept, persisted, until their dependencies arrive. Bounded by count and bytes; a
 * changeset that would exceed a bound is not kept and is counted in `dropped`. Nothing is lost
 * by dropping: the changeset is not booked, so anti-entropy asks for it again later.
 */
export class PendingSet {
  private readonly entries = new Map<string, PendingEntry>();
  private totalBytes = 0;
  /** Changesets refused at the bound since the store opened. */
  dropped = 0;
  /** Pending changesets that became applicable but failed to apply (dropped) since open. */
  failed = 0;

  constructor(
    private readonly log: ChangesetLog,
    private readonly maxChangesets = DEFAULT_MAX_PENDING_CHANGESETS,
    private readonly maxBytes = DEFAULT_MAX_PENDING_BYTES,
  ) {}

  /** Reloads the persisted pending changesets (at open and after a failed apply). */
  reload(): void {
    this.entries.clear();
    this.totalBytes = 0;
    for (const { cs, missing } of this.log.loadPending()) this.remember(cs, missing);
  }

  /** Whether `(actor, version)` is pending. */
  has(actor: string, version: number): boolean {
    return this.entries.has(key(actor, version));
  }

  /** Keeps a changeset (persisted in the caller's transaction). Returns false when a bound refused it. */
  add(cs: Changeset, missing: readonly string[]): boolean {
    const bytes = sizeOf(cs);
    if (this.entries.size >= this.maxChangesets || this.totalBytes + bytes > this.maxBytes) {
      this.dropped++;
      return false;
    }
    this.log.savePending(cs, missing);
    this.remember(cs, missing);
    return true;
  }

  /** Forgets a changeset (applied or invalid), in the caller's transaction. */
  remove(cs: Changeset): void {
    const e = this.entries.get(key(cs.actor, cs.version));
    if (!e) return;
    this.entries.delete(key(cs.actor, cs.version));
    this.totalBytes -= e.bytes;
    this.log.removePending(cs.actor, cs.version);
  }

  /** Current entries (a snapshot, safe to iterate while removing). */
  list(): PendingEntry[] {
    return [...this.entries.values()];
  }

  /** Number of pending changesets. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes of pending changes. */
  get bytes(): number {
    return this.totalBytes;
  }

  private remember(cs: Changeset, missing: readonly string[]): void {
    const bytes = sizeOf(cs);
    this.entries.set(key(cs.actor, cs.version), { cs, missing, bytes });
    this.totalBytes += bytes;
  }
}

function key(actor: string, version: number): string {
  return `${actor}/${version}`;
}

function sizeOf(cs: Changeset): number {
  let n = 0;
  for (const c of cs.changes) n += c.data.length;
  return n;
}
