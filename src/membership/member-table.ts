import type { Rng } from '../runtime/rng.js';
import { randomInt } from '../runtime/rng.js';
import type { ActorId } from '../store/types.js';
import { MemberDigest } from './digest.js';
import type { Meta } from './messages.js';
import type { MemberInfo, MemberState } from './messaging.js';

/** One member as this node knows it. Mutable inside the core only. */
export interface MemberRecord {
  readonly actorId: ActorId;
  addr: string;
  incarnation: number;
  state: MemberState;
  meta: Meta;
  /** When `state` last changed (clock ms). */
  stateChangedMs: number;
  /** Smoothed RTT from direct probe acks, ms. */
  srttMs: number | undefined;
  /**
   * Owned by the table's {@link MemberDigest}: what it counted for this record. Set it to
   * undefined when creating a record, so that the field is allocated with the object.
   */
  digestKey?: number | undefined;
}

/** Snapshot of a record for the public API. */
export function toInfo(r: MemberRecord): MemberInfo {
  return { actorId: r.actorId, addr: r.addr, state: r.state, incarnation: r.incarnation, meta: r.meta };
}

/**
 * The member table: every known member including this node, with cached lists of the live
 * ones so picking random peers costs O(k) rather than O(n) per call.
 */
export class MemberTable {
  private readonly byId = new Map<ActorId, MemberRecord>();
  private liveCache: MemberRecord[] | undefined;
  private deadCache: MemberRecord[] | undefined;
  /** Bucket digests of every record, kept up to date by add, delete and {@link changed}. */
  readonly digest = new MemberDigest();

  /** @param self this node's id (excluded from the live and dead lists). */
  constructor(readonly self: ActorId) {}

  /** Number of records (any state). */
  get size(): number {
    return this.byId.size;
  }

  /** The record of `id`, if known. */
  get(id: ActorId): MemberRecord | undefined {
    return this.byId.get(id);
  }

  /** Adds a record (caller checks bounds). */
  add(r: MemberRecord): void {
    const old = this.byId.get(r.actorId);
    if (old) this.digest.remove(old);
    this.byId.set(r.actorId, r);
    this.digest.add(r);
    this.touched();
  }

  /** Removes a record. */
  delete(id: ActorId): void {
    const r = this.byId.get(id);
    if (r) this.digest.remove(r);
    this.byId.delete(id);
    this.touched();
  }

  /** Must be called after changing a record's `incarnation` or `state` (updates the digest, O(1)). */
  changed(r: MemberRecord): void {
    this.digest.update(r);
  }

  /** Must be called after changing a record's `state`. */
  touched(): void {
    this.liveCache = undefined;
    this.deadCache = undefined;
  }

  /** Other members in state dead (cached until the next change). */
  deadOthers(): readonly MemberRecord[] {
    if (!this.deadCache) {
      this.deadCache = [];
      for (const r of this.byId.values()) if (r.state === 'dead') this.deadCache.push(r);
    }
    return this.deadCache;
  }

  /** All records. */
  all(): IterableIterator<MemberRecord> {
    return this.byId.values();
  }

  /** Other members that are alive or suspect (cached until the next change). */
  liveOthers(): readonly MemberRecord[] {
    if (!this.liveCache) {
      this.liveCache = [];
      for (const r of this.byId.values()) {
        if (r.actorId !== this.self && (r.state === 'alive' || r.state === 'suspect')) this.liveCache.push(r);
      }
    }
    return this.liveCache;
  }

  /** Alive or suspect members including this node (the `n` of the formulas). */
  liveCount(): number {
    const self = this.byId.get(this.self);
    const selfLive = self && (self.state === 'alive' || self.state === 'suspect') ? 1 : 0;
    return this.liveOthers().length + selfLive;
  }
}

/**
 * Up to `k` distinct items of `items` chosen at random, skipping those `skip` rejects.
 * Rejection sampling for small `k` (O(k) expected), a shuffle otherwise.
 */
export function pickRandom<T>(rng: Rng, items: readonly T[], k: number, skip?: (t: T) => boolean): T[] {
  const out: T[] = [];
  if (k <= 0 || items.length === 0) return out;
  if (k * 4 < items.length) {
    const chosen = new Set<number>();
    let tries = 0;
    while (out.length < k && tries < k * 8) {
      tries++;
      const i = randomInt(rng, items.length);
      if (chosen.has(i)) continue;
      chosen.add(i);
      const t = items[i] as T;
      if (skip?.(t)) continue;
      out.push(t);
    }
    if (out.length === k) return out;
    out.length = 0;
  }
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0 && out.length < k; i--) {
    const j = randomInt(rng, i + 1);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  for (let i = idx.length - 1; i >= 0 && out.length < k; i--) {
    const t = items[idx[i] as number] as T;
    if (!skip?.(t)) out.push(t);
  }
  return out;
}
