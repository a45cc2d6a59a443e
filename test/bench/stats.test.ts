import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../bench/lib/result.js';
import { compared, comparedPaired, figure, percentile, perSecond, repeat } from '../../bench/lib/stats.js';

describe('bench stats', () => {
  it('percentile uses the nearest rank', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile([42], 99)).toBe(42);
  });

  it('percentile refuses empty input and p out of range', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('percentile is a sample, monotone in p, between min and max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (xs, p, q) => {
          const a = percentile(xs, Math.min(p, q));
          const b = percentile(xs, Math.max(p, q));
          expect(xs).toContain(a);
          expect(a).toBeLessThanOrEqual(b);
          const s = summarize(xs);
          expect(a).toBeGreaterThanOrEqual(s.min);
          expect(b).toBeLessThanOrEqual(s.max);
        },
      ),
    );
  });

  it('summarize gives the median of odd and even sample counts', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
    expect(summarize([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
  });

  it('compared divides the medians and carries the baseline spread', () => {
    const f = compared('x', 'rows/s', [10, 30, 20], { name: 'raw', samples: [40, 50, 60] }, { group: 'g' });
    expect(f.median).toBe(20);
    expect(f.baseline).toEqual({ name: 'raw', median: 50, min: 40, max: 60 });
    expect(f.ratio).toBeCloseTo(0.4);
    expect(f.group).toBe('g');
    expect(compared('x', 'u', [1], { name: 'zero', samples: [0] }).ratio).toBeUndefined();
    expect(figure('y', 'ms', [2, 1]).runs).toBe(2);
  });

  it('paired comparison takes the median of per-repetition ratios', () => {
    // Repetition 2 ran while the machine was busy: both figures dropped, their ratio did not.
    const f = comparedPaired('x', 'rows/s', [10, 2, 12], { name: 'raw', samples: [20, 4, 30] });
    expect(f.ratio).toBeCloseTo(0.5);
    expect(f.ratioRange?.min).toBeCloseTo(0.4);
    expect(f.ratioRange?.max).toBeCloseTo(0.5);
    // The ratio of medians would say 10 / 20 here only by luck; with other numbers it differs.
    const g = comparedPaired('x', 'u', [1, 100], { name: 'b', samples: [2, 400] });
    expect(g.ratio).toBeCloseTo(0.375);
    expect(compared('x', 'u', [1, 100], { name: 'b', samples: [2, 400] }).ratio).toBeCloseTo(50.5 / 201);
    expect(() => comparedPaired('x', 'u', [1], { name: 'b', samples: [1, 2] })).toThrow(RangeError);
  });

  it('perSecond and repeat', async () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(perSecond(1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(await repeat(3, (i) => i * 2)).toEqual([0, 2, 4]);
    await expect(repeat(0, () => 1)).rejects.toThrow(RangeError);
  });
});
