import type { ActorId, Changeset } from '../store/types.js';
import type { ReplicationMetrics } from './metrics.js';
import type { ReplicaStore } from './replica-store.js';

/** What one apply did: the changesets that were new here, and dependencies still missing. */
export interface ApplyOutcome {
  /** Changesets from the batch that were not booked before (applied now or kept pending). */
  readonly fresh: readonly Changeset[];
  /** Automerge change hashes that pending changesets wait for. */
  readonly missing: readonly string[];
  /** The same hashes per pending changeset of the batch (by `changesetKey`). */
  readonly missingOf: ReadonlyMap<string, readonly string[]>;
}

/** `actor:version`, the key replication uses for a changeset in caches. */
export function changesetKey(actor: ActorId | string, version: number): string {
  return `${actor}:${version}`;
}

/** Physical milliseconds of an HLC timestamp (`physicalMs * 1000 + logical`). */
export function hlcPhysicalMs(ts: number): number {
  return Math.floor(ts / 1000);
}

/**
 * Applies remote changesets to the store, never throwing: a batch the store refuses is
 * retried one changeset at a time so one bad changeset cannot block good ones; refused
 * ones are dropped and counted.
 */
export class Applier {
  constructor(
    private readonly store: ReplicaStore,
    private readonly metrics: ReplicationMetrics,
  ) {}

  /** Applies `changesets` and reports which were new here. */
  apply(changesets: readonly Changeset[]): ApplyOutcome {
    if (changesets.length === 0) return { fresh: [], missing: [], missingOf: new Map() };
    try {
      return this.applyBatch(changesets);
    } catch {
      if (changesets.length === 1) {
        this.metrics.applyErrors++;
        return { fresh: [], missing: [], missingOf: new Map() };
      }
      const fresh: Changeset[] = [];
      const missing: string[] = [];
      const missingOf = new Map<string, readonly string[]>();
      for (const cs of changesets) {
        const r = this.apply([cs]);
        fresh.push(...r.fresh);
        missing.push(...r.missing);
        for (const [k, v] of r.missingOf) missingOf.set(k, v);
      }
      return { fresh, missing, missingOf };
    }
  }

  private applyBatch(changesets: readonly Changeset[]): ApplyOutcome {
    const result = this.store.apply(changesets);
    const byKey = new Map<string, Changeset>();
    for (const cs of changesets) byKey.set(changesetKey(cs.actor, cs.version), cs);
    const fresh: Changeset[] = [];
    for (const a of result.applied) {
      const key = changesetKey(a.actor, a.version);
      const cs = byKey.get(key);
      this.metrics.applied++;
      if (cs) {
        fresh.push(cs);
        byKey.delete(key);
      }
    }
    const missing: string[] = [];
    const missingOf = new Map<string, readonly string[]>();
    for (const p of result.pending) {
      const key = changesetKey(p.actor, p.version);
      const cs = byKey.get(key);
      if (cs) {
        this.metrics.pending++;
        fresh.push(cs);
        byKey.delete(key);
        missingOf.set(key, p.missing);
      }
      missing.push(...p.missing);
    }
    return { fresh, missing, missingOf };
  }
}
