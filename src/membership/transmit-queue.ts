/**
 * The transmit-limited broadcast queue (memberlist queue.go): encoded messages waiting to be
 * piggybacked. Each is sent at most `retransmitLimit(mult, n)` times, least-sent first (newest
 * first among equals), and a newer message with the same key replaces the queued one, so news
 * about one member never queues twice.
 */

/** `retransmitMult * ceil(log10(n + 1))`: sends per broadcast in a cluster of `n` members. */
export function retransmitLimit(retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(Math.log10(n + 1));
}

interface Item {
  readonly key: string;
  readonly bytes: Uint8Array;
  transmits: number;
  readonly id: number;
}

/** Why {@link TransmitQueue.push} refused an item. */
export type QueueRefusal = 'full';

/**
 * Bounds: at most `maxItems` items and `maxBytes` bytes. At the bound `push` refuses the new
 * item (returns false) instead of evicting: dropping an unsent message silently would hide loss
 * from the caller, who can retry or fall back to anti-entropy.
 */
export class TransmitQueue {
  private readonly items = new Map<string, Item>();
  /**
   * The same items by send count: `levels[t]` holds the items sent `t` times, in ascending id
   * order. `take` walks it in its order (least sent first, newest first) instead of sorting
   * the whole queue for every packet, which was the largest single cost of a 600-node join.
   */
  private readonly levels: Item[][] = [];
  /** Items per byte length, for the shortest queued item (see `take`). */
  private readonly lengths = new Map<number, number>();
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
    if (old) this.drop(old);
    // A compact copy: an encoded message is a view into the encoder's shared buffer, and one
    // queued view would keep that whole buffer (hundreds of KiB) alive.
    const item: Item = { key, bytes: bytes.slice(), transmits: 0, id: this.nextId++ };
    this.items.set(key, item);
    this.level(0).push(item);
    this.lengths.set(bytes.length, (this.lengths.get(bytes.length) ?? 0) + 1);
    this.bytes = bytesAfter;
    return true;
  }

  /** Removes the item with `key`, if queued. */
  remove(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.drop(old);
    this.bytes -= old.bytes.length;
  }

  /**
   * Takes messages for one packet: least-sent first, newest first among equals, each fitting in
   * the remaining `budgetBytes` once `costOf(len)` is charged. Each taken item counts one send;
   * items reaching `limit` sends leave the queue. `costOf` must not decrease with the length:
   * the walk stops once not even the shortest queued item fits.
   */
  take(budgetBytes: number, limit: number, costOf: (len: number) => number): Uint8Array[] {
    if (this.items.size === 0) return [];
    const out: Uint8Array[] = [];
    const taken: Item[] = [];
    let left = budgetBytes;
    let shortest = Number.POSITIVE_INFINITY;
    for (const len of this.lengths.keys()) if (len < shortest) shortest = len;
    const minCost = costOf(shortest);
    scan: for (const level of this.levels) {
      for (let i = level.length - 1; i >= 0; i--) {
        if (left < minCost) break scan;
        const it = level[i] as Item;
        const cost = costOf(it.bytes.length);
        if (cost > left) continue;
        left -= cost;
        out.push(it.bytes);
        taken.push(it);
        if (left < 8) break scan;
      }
    }
    // Counted after the walk, so an item taken now is not met again at its next level.
    for (const it of taken) {
      if (it.transmits + 1 >= limit) {
        this.drop(it);
        this.bytes -= it.bytes.length;
        continue;
      }
      this.unlevel(it);
      it.transmits++;
      insertById(this.level(it.transmits), it);
    }
    return out;
  }

  /** Takes `it` out of every index (the caller adjusts `bytes`). */
  private drop(it: Item): void {
    this.items.delete(it.key);
    this.unlevel(it);
    const n = (this.lengths.get(it.bytes.length) ?? 1) - 1;
    if (n > 0) this.lengths.set(it.bytes.length, n);
    else this.lengths.delete(it.bytes.length);
  }

  private level(t: number): Item[] {
    while (this.levels.length <= t) this.levels.push([]);
    return this.levels[t] as Item[];
  }

  private unlevel(it: Item): void {
    const level = this.levels[it.transmits];
    if (!level) return;
    const i = indexById(level, it.id);
    if (level[i] === it) level.splice(i, 1);
  }
}

/** First index in `level` (ascending ids) whose id is >= `id`. */
function indexById(level: readonly Item[], id: number): number {
  let lo = 0;
  let hi = level.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((level[mid] as Item).id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertById(level: Item[], it: Item): void {
  const i = indexById(level, it.id);
  if (i === level.length) level.push(it);
  else level.splice(i, 0, it);
}
