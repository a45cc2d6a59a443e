import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { missingRanges, VersionBook } from '../../src/store/books.js';

describe('VersionBook', () => {
  it('matches a set model for any insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 80 }), (versions) => {
        const b = new VersionBook();
        for (const v of versions) b.add(v);
        const set = new Set(versions);
        const max = versions.length ? Math.max(...versions) : 0;
        expect(b.max).toBe(max);
        for (let v = 1; v <= 61; v++) expect(b.has(v)).toBe(set.has(v));
        const gapped: number[] = [];
        for (const [a, z] of b.gaps()) for (let v = a; v <= z; v++) gapped.push(v);
        const expected: number[] = [];
        for (let v = 1; v <= max; v++) if (!set.has(v)) expected.push(v);
        expect(gapped).toEqual(expected);
        expect(new VersionBook(b.toRanges()).gaps()).toEqual(b.gaps());
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['behind', [[1, 3]], { max: 6, gaps: [] }, [[4, 6]]],
    [
      'our gap they have',
      [
        [1, 2],
        [5, 6],
      ],
      { max: 6, gaps: [] },
      [[3, 4]],
    ],
    [
      'our gap they lack too',
      [
        [1, 2],
        [5, 6],
      ],
      { max: 8, gaps: [[3, 4]] },
      [[7, 8]],
    ],
    ['ahead of them', [[1, 9]], { max: 6, gaps: [] }, []],
  ] as const)('missingRanges: %s', (_name, ours, theirs, expected) => {
    expect(missingRanges(new VersionBook(ours as never), theirs as never)).toEqual(expected);
  });
});
