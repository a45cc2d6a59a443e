import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LagStats } from '../../src/broadcast/metrics.js';

describe('LagStats', () => {
  it('quantiles are nearest-rank over the recent samples, in numeric order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const lag = new LagStats(16);
          for (const v of values) lag.record(v);
          const recent = values.slice(-16).sort((a, b) => a - b);
          const n = recent.length;
          expect(lag.quantile(q)).toBe(recent[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]);
        },
      ),
    );
    const lag = new LagStats();
    for (const v of [100, 9, 20, 3]) lag.record(v);
    // Numeric, not lexicographic (which would put 100 before 20 and 3).
    expect(lag.quantile(0.5)).toBe(9);
    expect(lag.quantile(1)).toBe(100);
    expect(new LagStats().quantile(0.5)).toBe(0);
  });
});
