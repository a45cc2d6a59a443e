import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrdtDoc } from '../../src/crdt/automerge-doc.js';
import { FIRST_LAYER_KEYS, KeyFilter } from '../../src/crdt/key-filter.js';
import { encodeRowKey } from '../../src/crdt/row-key.js';

describe('KeyFilter', () => {
  it('never rules out a key it was given, across layer growth', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 24 }), { maxLength: 3000 }),
        fc.nat(5000),
        (keys, expected) => {
          const f = new KeyFilter(expected);
          for (const k of keys) f.add(k);
          for (const k of keys) expect(f.mayHold(k)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('rules out most keys it was not given (row keys of one document, several layers)', () => {
    const f = new KeyFilter();
    const n = FIRST_LAYER_KEYS * 7;
    for (let i = 0; i < n; i++) f.add(encodeRowKey([BigInt(i)]));
    let maybe = 0;
    for (let i = n; i < 2 * n; i++) if (f.mayHold(encodeRowKey([BigInt(i)]))) maybe++;
    // Three layers of ~0.5% each at most; a filter that said "maybe" to everything gives n.
    expect(maybe / n).toBeLessThan(0.03);
  });
});

describe('CrdtDoc key filter', () => {
  const actor = 'aa'.repeat(16);
  const other = 'bb'.repeat(16);

  it('keys put locally, applied remotely (with and without their keys) or loaded are all found', () => {
    const a = CrdtDoc.create(other);
    a.putBytes('k1', new Uint8Array([1]));
    const c1 = a.commit()?.change as Uint8Array;
    a.putBytes('k2', new Uint8Array([2]));
    const c2 = a.commit()?.change as Uint8Array;
    const b = CrdtDoc.create(actor);
    expect(b.mayHold('k1')).toBe(false);
    b.applyChanges([c1], ['k1']);
    b.applyChanges([c2]);
    b.putBytes('k3', new Uint8Array([3]));
    const c3 = b.commit()?.change as Uint8Array;
    for (const k of ['k1', 'k2', 'k3']) expect(b.getAllBytes(k).length).toBe(1);
    expect(b.mayHold('k4')).toBe(false);
    const loaded = CrdtDoc.load(actor, Buffer.concat([c1, c2, c3]));
    for (const k of ['k1', 'k2', 'k3']) expect(loaded.mayHold(k)).toBe(true);
    expect(loaded.getAllBytes('k4')).toEqual([]);
    // A put before the filter exists (loaded documents build it on first use) is in it.
    loaded.putBytes('k5', new Uint8Array([5]));
    expect(loaded.mayHold('k6')).toBe(false);
    loaded.commit();
    expect(loaded.getAllBytes('k5').length).toBe(1);
    for (const d of [a, b, loaded]) d.free();
  });
});
