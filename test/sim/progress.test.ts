import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/simulate.js';
import { smallRun } from './helpers.js';

describe('progress reports', () => {
  it('never run past the total, even when an automatic warm-up outlasts the planned phases', async () => {
    const calls: [number, number, boolean][] = [];
    const out = await simulate(
      smallRun({
        nodes: 60,
        durationMs: 250,
        healMs: 250,
        warmupMs: 'auto',
        writesPerSec: 0,
        onProgress: (t, total, done) => calls.push([t, total, done]),
      }),
    );
    // The warm-up ran longer than the fault and healing phases together.
    expect(out.results.run.faultStartMs).toBeGreaterThan(500);
    const before = calls.slice(0, -1);
    expect(before.length).toBeGreaterThan(0);
    for (const [t, total, done] of before) {
      expect(done).toBe(false);
      expect(t).toBeLessThanOrEqual(total);
    }
    expect(calls.at(-1)?.[2]).toBe(true);
  });
});
