import { describe, expect, it } from 'vitest';
import { CrdtDoc } from '../../src/crdt/automerge-doc.js';

const A1 = 'aa'.repeat(16);
const A2 = 'bb'.repeat(16);

describe('CrdtDoc', () => {
  it('hasChange is true for applied changes only; a change without its dependencies is queued', () => {
    const a = CrdtDoc.create(A1);
    a.putBytes('k1', new Uint8Array([1]));
    const c1 = a.commit()!;
    a.putBytes('k2', new Uint8Array([2]));
    const c2 = a.commit()!;
    const b = CrdtDoc.create(A2);
    expect(b.hasChange(c1.hash)).toBe(false);
    b.applyChanges([c2.change]);
    // c2 depends on c1: Automerge queues it silently, which the store detects and refuses.
    expect(b.hasQueuedChanges()).toBe(true);
    expect(b.hasChange(c2.hash)).toBe(false);
    b.applyChanges([c1.change]);
    expect(b.hasQueuedChanges()).toBe(false);
    expect(b.hasChange(c1.hash)).toBe(true);
    expect(b.hasChange(c2.hash)).toBe(true);
    expect(b.getAllBytes('k2')).toEqual([new Uint8Array([2])]);
    a.free();
    b.free();
  });

  it('knows which keys it holds, after puts, applies and a reload from saved bytes', () => {
    const a = CrdtDoc.create(A1);
    expect(a.mayHold('x')).toBe(false);
    a.putBytes('x', new Uint8Array([7]));
    expect(a.mayHold('x')).toBe(true);
    const c = a.commit()!;
    const b = CrdtDoc.create(A2);
    b.applyChanges([c.change]);
    expect(b.mayHold('x')).toBe(true);
    const reloaded = CrdtDoc.load(A2, b.save());
    expect(reloaded.mayHold('x')).toBe(true);
    expect(reloaded.mayHold('y')).toBe(false);
    expect(reloaded.getAllBytes('x')).toEqual([new Uint8Array([7])]);
    expect(reloaded.getAllBytes('y')).toEqual([]);
    for (const d of [a, b, reloaded]) d.free();
  });
});
