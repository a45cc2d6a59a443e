/**
 * The transmit-limited broadcast queue (memberlist queue.go): encoded messages waiting to be
 * piggybacked. Each is sent at most `retransmitLimit(mult, n)` times, least-sent first (newest
 * first among equals), and a newer message with the same key replaces the queued one, so news
 * about one member never queues twice.
 */

import { SortedById } from './sorted-by-id.js';

/** `retransmitMult * ceil(log10(n + 1))`: sends per broadcast in a cluster of `n` members. */
export function retransmitLimit(retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(Math.log10(n + 1));
}

interface Item {
  readonly key: string;
  readonly bytes: Uint8Array;
  transmits: number;
  readonly id: number;
  readonly bucket: Bucket;
}

/**
 * The items of one byte length: `levels[t]` holds those sent `t` times, in ascending id order.
 * All items of a bucket cost the same, so a walk of the bucket in take order (least sent first,
 * newest first) either takes an item or stops taking from the bucket for good (the room left
 * only shrinks): what one take removes from a bucket is a prefix of that order.
 */
interface Bucket {
  readonly len: number;
  readonly levels: SortedById<Item>[];
  count: number;
}

/** Why {@link TransmitQueue.push} refused an item. */
export type QueueRefusal = 'full';

/**
 * Bounds: at most `maxItems` items and `maxBytes` bytes. At the bound `push` refuses the new
 * item (returns false) instead of evicting: dropping an unsent message silently would hide loss
 * from the caller, who can retry or fall back to anti-entropy.
 *
 * Layout: the items are bucketed by byte length (member news has a handful of lengths), each
 * bucket kept in take order. `take` merges the buckets that still fit, so it visits only the
 * items it takes (plus one per bucket), instead of scanning the whole queue for a short item
 * and re-inserting every taken item one by one into a sorted array, which were the largest
 * costs of a 600-node join.
 */
export class TransmitQueue {
  private readonly items = new Map<string, Item>();
  private readonly buckets = new Map<number, Bucket>();
  private bytes = 0;
  private nextId = 0;

  constructor(
    private readonly maxItems: number,
    private readonly maxBytes: number,
  ) {}

  /** Items queued. */
  get size(): number {
    return this.items.size;
  }

  /** Bytes queued. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Whether an item with `key` is queued. */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Queues `bytes` under `key`, replacing a queued item with that key. False at the bound. */
  push(key: string, bytes: Uint8Array): boolean {
    const old = this.items.get(key);
    const bytesAfter = this.bytes - (old?.bytes.length ?? 0) + bytes.length;
    if (!old && this.items.size >= this.maxItems) return false;
    if (bytesAfter > this.maxBytes) return false;
    if (old) this.drop(old, true);
    let bucket = this.buckets.get(bytes.length);
    if (!bucket) {
      bucket = { len: bytes.length, levels: [], count: 0 };
      this.buckets.set(bytes.length, bucket);
    }
    // A compact copy: an encoded message is a view into the encoder's shared buffer, and one
    // queued view would keep that whole buffer (hundreds of KiB) alive.
    const item: Item = { key, bytes: bytes.slice(), transmits: 0, id: this.nextId++, bucket };
    this.items.set(key, item);
    // The newest id: appending keeps level 0 in ascending id order.
    level(bucket, 0).append(item, item.id);
    bucket.count++;
    this.bytes = bytesAfter;
    return true;
  }

  /** Removes the item with `key`, if queued. */
  remove(key: string): void {
    const old = this.items.get(key);
    if (old) this.drop(old, true);
  }

  /**
   * Takes messages for one packet: least-sent first, newest first among equals, each fitting in
   * the remaining `budgetBytes` once `costOf(len)` is charged. Each taken item counts one send;
   * items reaching `limit` sends leave the queue. `costOf` must not decrease with the length:
   * once a length does not fit, it is not tried again in this take.
   */
  take(budgetBytes: number, limit: number, costOf: (len: number) => number): Uint8Array[] {
    if (this.items.size === 0) return [];
    const out: Uint8Array[] = [];
    let left = budgetBytes;
    const heap: Cursor[] = [];
    for (const b of this.buckets.values()) {
      const cost = costOf(b.len);
      if (cost > left) continue;
      const c: Cursor = { bucket: b, cost, t: 0, i: -1, taken: 0 };
      if (advance(c)) heapPush(heap, c);
    }
    const walked: Cursor[] = [];
    while (heap.length > 0) {
      const c = heapPop(heap);
      if (c.cost > left) {
        if (c.taken > 0) walked.push(c);
        continue;
      }
      left -= c.cost;
      out.push(((c.bucket.levels[c.t] as SortedById<Item>).items[c.i] as Item).bytes);
      c.taken++;
      if (left < 8) {
        walked.push(c);
        break;
      }
      if (advance(c)) heapPush(heap, c);
      else walked.push(c);
    }
    for (const c of heap) if (c.taken > 0) walked.push(c);
    // Counted after the walk, so an item taken now is not met again at its next level.
    for (const c of walked) this.promote(c.bucket, c.taken, limit);
    return out;
  }

  /**
   * Counts one send for the first `n` items of `b` in take order (whole levels from level 0 up,
   * then the newest items of one level): each moves up one level, or leaves at `limit` sends.
   */
  private promote(b: Bucket, n: number, limit: number): void {
    // The levels the `n` items span, and how many come from the last one.
    let last = 0;
    let rest = n;
    for (
      let len = b.levels[0]?.length ?? 0;
      rest > len && last < b.levels.length;
      len = b.levels[last]?.length ?? 0
    ) {
      rest -= len;
      last++;
    }
    // From the highest level down, so that a level's own taken items have left it before the
    // ones from the level below arrive.
    for (let t = last; t >= 0; t--) {
      const lv = b.levels[t] as SortedById<Item>;
      const k = t === last ? rest : lv.length;
      if (k === 0) continue;
      const moved = lv.cutSuffix(k);
      let kept = 0;
      for (let j = 0; j < moved.items.length; j++) {
        const it = moved.items[j] as Item;
        if (it.transmits + 1 >= limit) {
          this.drop(it, false);
          continue;
        }
        it.transmits++;
        moved.items[kept] = it;
        moved.ids[kept++] = it.id;
      }
      moved.items.splice(kept);
      moved.ids.splice(kept);
      level(b, t + 1).merge(moved.items, moved.ids);
    }
  }

  /** Takes `it` out of the queue (out of its level too when `unlevel`). */
  private drop(it: Item, unlevel: boolean): void {
    this.items.delete(it.key);
    this.bytes -= it.bytes.length;
    const b = it.bucket;
    if (unlevel) {
      b.levels[it.transmits]?.remove(it, it.id);
    }
    if (--b.count === 0) this.buckets.delete(b.len);
  }
}

/** A walk of one bucket in take order: the item at `levels[t][i]`, and how many were taken. */
interface Cursor {
  readonly bucket: Bucket;
  readonly cost: number;
  t: number;
  i: number;
  taken: number;
}

/** Moves `c` to the next item in take order; false when the bucket has no more. */
function advance(c: Cursor): boolean {
  const levels = c.bucket.levels;
  if (c.i > 0) {
    c.i--;
    return true;
  }
  let t = c.i < 0 ? c.t : c.t + 1;
  while (t < levels.length && (levels[t] as SortedById<Item>).length === 0) t++;
  if (t >= levels.length) return false;
  c.t = t;
  c.i = (levels[t] as SortedById<Item>).length - 1;
  return true;
}

/** Whether cursor `a` comes first in take order: fewer sends, then the newer (higher id) item. */
function before(a: Cursor, b: Cursor): boolean {
  if (a.t !== b.t) return a.t < b.t;
  return (
    ((a.bucket.levels[a.t] as SortedById<Item>).ids[a.i] as number) >
    ((b.bucket.levels[b.t] as SortedById<Item>).ids[b.i] as number)
  );
}

function heapPush(h: Cursor[], c: Cursor): void {
  let i = h.length;
  h.push(c);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(c, h[p] as Cursor)) break;
    h[i] = h[p] as Cursor;
    i = p;
  }
  h[i] = c;
}

function heapPop(h: Cursor[]): Cursor {
  const top = h[0] as Cursor;
  const lastC = h.pop() as Cursor;
  if (h.length === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= h.length) break;
    const r = l + 1;
    const m = r < h.length && before(h[r] as Cursor, h[l] as Cursor) ? r : l;
    if (!before(h[m] as Cursor, lastC)) break;
    h[i] = h[m] as Cursor;
    i = m;
  }
  h[i] = lastC;
  return top;
}

function level(b: Bucket, t: number): SortedById<Item> {
  while (b.levels.length <= t) b.levels.push(new SortedById<Item>());
  return b.levels[t] as SortedById<Item>;
}
