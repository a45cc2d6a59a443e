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
   * Owned by {@link MemberTable}: `4 * insertion number + list` (the order of its lists, and
   * which list holds the record: 0 none, 1 live, 2 dead). One number, not two fields: records
   * are the bulk of a large cluster's memory (one per node and member).
   */
  tableSlot: number;
  /** Owned by the table's {@link MemberDigest}: what it counted for this record. */
  digestKey: number | undefined;
}

/** The fields of a new record; {@link MemberTable.add} sets the rest. */
export type NewMemberRecord = Omit<MemberRecord, 'tableSlot' | 'digestKey'>;

/** Snapshot of a record for the public API. */
export function toInfo(r: MemberRecord): MemberInfo {
  return { actorId: r.actorId, addr: r.addr, state: r.state, incarnation: r.incarnation, meta: r.meta };
}

// Which list of the table holds a record (the low two bits of `tableSlot`).
const NONE = 0;
const LIVE = 1;
const DEAD = 2;

/**
 * The member table: every known member including this node, with lists of the live and dead
 * ones so picking random peers costs O(k) rather than O(n) per call.
 *
 * The lists are kept up to date at each change rather than rebuilt after it: during a join
 * every node learns of every other one by one, and a rebuild of an n-member list after each
 * of those n changes cost O(n^2) per node. Both lists stay in the table's insertion order
 * (the order a rebuild by iteration gave), which the random picks depend on.
 */
export class MemberTable {
  private readonly byId = new Map<ActorId, MemberRecord>();
  /** Ascending `tableSlot` (so insertion order). */
  private readonly live: MemberRecord[] = [];
  /** Ascending `tableSlot` (so insertion order). */
  private readonly dead: MemberRecord[] = [];
  private nextSeq = 0;
  /** Bucket digests of every record, kept up to date by add, delete and {@link touched}. */
  readonly digest = new MemberDigest();

  /** @param self this node's id (excluded from the live list). */
  constructor(readonly self: ActorId) {}

  /** Number of records (any state). */
  get size(): number {
    return this.byId.size;
  }

  /** The record of `id`, if known. */
  get(id: ActorId): MemberRecord | undefined {
    return this.byId.get(id);
  }

  /**
   * Adds a record made of `fields` (caller checks bounds) and returns it. A record with the same
   * id is replaced in its place.
   */
  add(fields: NewMemberRecord): MemberRecord {
    const old = this.byId.get(fields.actorId);
    let seq = this.nextSeq++;
    if (old) {
      seq = Math.floor(old.tableSlot / 4);
      this.moveTo(old, NONE);
      this.digest.remove(old);
    }
    // Every field named, not spread: with a spread plus added fields, V8 kept every record as a
    // dictionary (measured at 600 nodes: twice the heap, and twice the CPU).
    const f = fields;
    const r: MemberRecord = {
      actorId: f.actorId,
      addr: f.addr,
      incarnation: f.incarnation,
      state: f.state,
      meta: f.meta,
      stateChangedMs: f.stateChangedMs,
      srttMs: f.srttMs,
      tableSlot: seq * 4 + NONE,
      digestKey: undefined,
    };
    this.byId.set(r.actorId, r);
    this.digest.add(r);
    this.touched(r);
    return r;
  }

  /** Removes a record. */
  delete(id: ActorId): void {
    const r = this.byId.get(id);
    if (!r) return;
    this.moveTo(r, NONE);
    this.digest.remove(r);
    this.byId.delete(id);
  }

  /** Must be called after changing a record's `state` or `incarnation` (lists and digest, O(log n)). */
  touched(r: MemberRecord): void {
    if (this.byId.get(r.actorId) !== r) return;
    this.digest.update(r);
    const list =
      r.state === 'dead'
        ? DEAD
        : r.actorId !== this.self && (r.state === 'alive' || r.state === 'suspect')
          ? LIVE
          : NONE;
    this.moveTo(r, list);
  }

  /** Other members in state dead, in insertion order. Valid until the next change. */
  deadOthers(): readonly MemberRecord[] {
    return this.dead;
  }

  /** All records. */
  all(): IterableIterator<MemberRecord> {
    return this.byId.values();
  }

  /** Other members that are alive or suspect, in insertion order. Valid until the next change. */
  liveOthers(): readonly MemberRecord[] {
    return this.live;
  }

  /** Alive or suspect members including this node (the `n` of the formulas). */
  liveCount(): number {
    const self = this.byId.get(this.self);
    const selfLive = self && (self.state === 'alive' || self.state === 'suspect') ? 1 : 0;
    return this.live.length + selfLive;
  }

  /** Moves `r` from its list to `list` (each kept in ascending `tableSlot` order). */
  private moveTo(r: MemberRecord, list: number): void {
    const from = r.tableSlot % 4;
    if (from === list) return;
    const a = this.listOf(from);
    if (a) {
      const i = indexOfSlot(a, r.tableSlot);
      if (a[i] === r) a.splice(i, 1);
    }
    r.tableSlot += list - from;
    const b = this.listOf(list);
    if (b) b.splice(indexOfSlot(b, r.tableSlot), 0, r);
  }

  private listOf(list: number): MemberRecord[] | undefined {
    return list === LIVE ? this.live : list === DEAD ? this.dead : undefined;
  }
}

/** First index of `a` (ascending slots) whose slot is >= `slot`. */
function indexOfSlot(a: readonly MemberRecord[], slot: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as MemberRecord).tableSlot < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
