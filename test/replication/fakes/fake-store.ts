import type { ReplicaStore } from '../../../src/broadcast/replica-store.js';
import type {
  ActorBook,
  ActorId,
  ApplyResult,
  Changeset,
  CommitEvent,
  HlcTimestamp,
  Needs,
  SyncState,
  Version,
} from '../../../src/store/types.js';
import { haveRanges, subtractRanges } from '../../../src/sync/needs.js';

/** The fake's Automerge-like hash of (actor, version): 64 hex chars. */
export function fakeHash(actor: string, version: number): string {
  return actor + version.toString(16).padStart(32, '0');
}

/**
 * A tiny in-memory stand-in for the store: changeset (a, v) depends on (a, v - 1), like an
 * Automerge actor's own chain, so dependencies can be missing. "Rows" are the set of
 * applied changeset keys.
 */
export class FakeStore implements ReplicaStore {
  readonly applied = new Map<string, Map<number, Changeset>>();
  readonly pendingSet = new Map<string, Changeset>();
  private listeners: ((e: CommitEvent) => void)[] = [];
  private nextVersion = 1;
  applyCalls = 0;

  constructor(
    readonly actorId: ActorId,
    private readonly now: () => number,
    /** Bytes per change (to make large changesets). */
    readonly changeBytes = 32,
  ) {}

  /** A local write: the next version, committed and announced like the real store. */
  write(changeBytes = this.changeBytes): Changeset {
    const version = this.nextVersion++ as Version;
    const cs: Changeset = {
      actor: this.actorId,
      version,
      ts: (Math.floor(this.now()) * 1000) as HlcTimestamp,
      changes: [{ table: 't', doc: 'd0', data: new Uint8Array(changeBytes).fill(version % 251) }],
    };
    this.book(cs);
    for (const l of this.listeners) l({ source: 'local', tables: ['t'], changesets: [cs] });
    return cs;
  }

  apply(changesets: readonly Changeset[]): ApplyResult {
    this.applyCalls++;
    const applied: { actor: ActorId; version: Version }[] = [];
    const pending: { actor: ActorId; version: Version; missing: string[] }[] = [];
    let duplicates = 0;
    for (const cs of changesets) {
      const key = `${cs.actor}:${cs.version}`;
      if (this.has(cs.actor, cs.version) || this.pendingSet.has(key)) {
        duplicates++;
        continue;
      }
      if (cs.version > 1 && !this.has(cs.actor, (cs.version - 1) as Version)) {
        this.pendingSet.set(key, cs);
        pending.push({ actor: cs.actor, version: cs.version, missing: [fakeHash(cs.actor, cs.version - 1)] });
        continue;
      }
      this.book(cs);
      applied.push({ actor: cs.actor, version: cs.version });
      // Pending successors become applicable.
      for (let v = cs.version + 1; ; v++) {
        const next = this.pendingSet.get(`${cs.actor}:${v}`);
        if (!next) break;
        this.pendingSet.delete(`${cs.actor}:${v}`);
        this.book(next);
        applied.push({ actor: next.actor, version: next.version });
      }
    }
    const done = new Set(applied.map((a) => `${a.actor}:${a.version}`));
    const stillPending = pending.filter((p) => !done.has(`${p.actor}:${p.version}`));
    if (applied.length > 0) {
      const cs = applied.map((a) => this.applied.get(a.actor)?.get(a.version) as Changeset);
      for (const l of this.listeners) l({ source: 'remote', tables: ['t'], changesets: cs });
    }
    return { applied, pending: stillPending, duplicates };
  }

  syncState(): SyncState {
    const books: Record<string, ActorBook> = {};
    for (const [actor, m] of this.applied) {
      let max = 0;
      for (const v of m.keys()) max = Math.max(max, v);
      const have = [...m.keys()].sort((a, b) => a - b).map((v) => [v, v] as [number, number]);
      books[actor] = { max, gaps: subtractRanges([[1, max]], have) };
    }
    return { actor: this.actorId, books };
  }

  changesetsFor(needs: Needs, lim: { maxChangesets?: number } = {}): readonly Changeset[] {
    const limit = lim.maxChangesets ?? Number.POSITIVE_INFINITY;
    const out: Changeset[] = [];
    for (const [actor, ranges] of Object.entries(needs)) {
      const m = this.applied.get(actor);
      if (!m) continue;
      for (const [from, to] of ranges) {
        for (let v = from; v <= to && out.length < limit; v++) {
          const cs = m.get(v);
          if (cs) out.push(cs);
        }
      }
    }
    return out;
  }

  has(actor: ActorId, version: Version): boolean {
    return this.applied.get(actor)?.has(version) ?? false;
  }

  changesetsContaining(hashes: readonly string[]): readonly Changeset[] {
    const out: Changeset[] = [];
    for (const h of hashes) {
      const actor = h.slice(0, 32);
      const version = Number.parseInt(h.slice(32), 16);
      const cs = this.applied.get(actor)?.get(version);
      if (cs) out.push(cs);
    }
    return out;
  }

  onCommit(listener: (e: CommitEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Sorted keys of everything applied: the fake's "table contents". */
  contents(): string[] {
    const out: string[] = [];
    for (const [actor, m] of this.applied) for (const v of m.keys()) out.push(`${actor}:${v}`);
    return out.sort();
  }

  /** Versions applied from `actor`. */
  count(actor: string): number {
    return this.applied.get(actor)?.size ?? 0;
  }

  private book(cs: Changeset): void {
    let m = this.applied.get(cs.actor);
    if (!m) {
      m = new Map();
      this.applied.set(cs.actor, m);
    }
    m.set(cs.version, cs);
  }
}

/** Checks a book against {@link haveRanges} (used by tests of the fake itself). */
export function bookHas(book: ActorBook, v: number): boolean {
  return haveRanges(book).some(([a, b]) => v >= a && v <= b);
}
