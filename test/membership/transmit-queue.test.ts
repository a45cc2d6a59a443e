import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransmitQueue } from '../../src/membership/transmit-queue.js';

/** The specification: sort every queued item (least sent first, newest first) at every take. */
class ModelQueue {
  private items = new Map<string, { key: string; bytes: Uint8Array; transmits: number; id: number }>();
  private bytes = 0;
  private nextId = 0;
  constructor(
    private readonly maxItems: number,
    private readonly maxBytes: number,
  ) {}
  push(key: string, bytes: Uint8Array): boolean {
    const old = this.items.get(key);
    const after = this.bytes - (old?.bytes.length ?? 0) + bytes.length;
    if (!old && this.items.size >= this.maxItems) return false;
    if (after > this.maxBytes) return false;
    this.items.delete(key);
    this.items.set(key, { key, bytes, transmits: 0, id: this.nextId++ });
    this.bytes = after;
    return true;
  }
  remove(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    this.bytes -= old.bytes.length;
  }
  take(budget: number, limit: number, costOf: (n: number) => number): Uint8Array[] {
    const sorted = [...this.items.values()].sort((a, b) => a.transmits - b.transmits || b.id - a.id);
    const out: Uint8Array[] = [];
    let left = budget;
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
  get size(): number {
    return this.items.size;
  }
  get queuedBytes(): number {
    return this.bytes;
  }
}

/** Operations on keys `0..keys`, messages of 1 to `maxLen` bytes and takes of up to `maxBudget`. */
function opArb(keys: number, maxLen: number, maxBudget: number) {
  return fc.oneof(
    fc.record({
      kind: fc.constant('push' as const),
      key: fc.integer({ min: 0, max: keys }),
      len: fc.integer({ min: 1, max: maxLen }),
    }),
    fc.record({ kind: fc.constant('remove' as const), key: fc.integer({ min: 0, max: keys }) }),
    fc.record({
      kind: fc.constant('take' as const),
      budget: fc.integer({ min: 0, max: maxBudget }),
      limit: fc.integer({ min: 1, max: 4 }),
    }),
  );
}

// Small queues with many lengths (one bucket per item), and larger ones with few lengths (as
// member news has), where one take spans several levels of a bucket.
const shapes = [
  { keys: 12, maxLen: 60, maxBudget: 200, maxItems: 8, maxBytes: 400, ops: 200 },
  { keys: 60, maxLen: 4, maxBudget: 120, maxItems: 48, maxBytes: 10_000, ops: 400 },
  { keys: 20, maxLen: 2, maxBudget: 16, maxItems: 16, maxBytes: 10_000, ops: 300 },
];

describe('TransmitQueue', () => {
  it.each(shapes)(
    'takes exactly what sorting the whole queue at every take would (least sent, then newest first) %o',
    (shape) => {
      fc.assert(
        fc.property(
          fc.array(opArb(shape.keys, shape.maxLen, shape.maxBudget), { maxLength: shape.ops, size: 'max' }),
          (ops) => {
            const q = new TransmitQueue(shape.maxItems, shape.maxBytes);
            const m = new ModelQueue(shape.maxItems, shape.maxBytes);
            let tag = 0;
            for (const o of ops) {
              if (o.kind === 'push') {
                // Distinct contents per push, so that equal bytes mean the same message.
                const bytes = new Uint8Array(o.len + 2);
                bytes[0] = tag & 255;
                bytes[1] = (tag++ >> 8) & 255;
                expect(q.push(`k${o.key}`, bytes)).toBe(m.push(`k${o.key}`, bytes));
              } else if (o.kind === 'remove') {
                q.remove(`k${o.key}`);
                m.remove(`k${o.key}`);
              } else {
                const cost = (n: number) => n + 2;
                const got = q.take(o.budget, o.limit, cost);
                const want = m.take(o.budget, o.limit, cost);
                expect(got.length).toBe(want.length);
                // Same messages in the same order (the queue keeps compact copies of the bytes).
                expect(got).toEqual(want);
              }
              expect(q.size).toBe(m.size);
              expect(q.queuedBytes).toBe(m.queuedBytes);
            }
          },
        ),
        { numRuns: 100 },
      );
    },
  );
});
