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
    if (old) this.items.delete(key);
    this.items.set(key, { key, bytes, transmits: 0, id: this.nextId++ });
    this.bytes = bytesAfter;
    return true;
  }

  /** Removes the item with `key`, if queued. */
  remove(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    this.bytes -= old.bytes.length;
  }

  /**
   * Takes messages for one packet: least-sent first, newest first among equals, each fitting in
   * the remaining `budgetBytes` once `costOf(len)` is charged. Each taken item counts one send;
   * items reaching `limit` sends leave the queue.
   */
  take(budgetBytes: number, limit: number, costOf: (len: number) => number): Uint8Array[] {
    if (this.items.size === 0) return [];
    const sorted = [...this.items.values()].sort((a, b) => a.transmits - b.transmits || b.id - a.id);
    const out: Uint8Array[] = [];
    let left = budgetBytes;
    for (const it of sorted) {
      const cost = costOf(it.bytes.length);
      if (cost > left) continue;
      left -= cost;
      out.push(it.bytes);
      it.transmits++;
      if (it.transmits >= limit) this.remove(it.key);
      if (left < 8) break;
    }
    return out;
  }
}
