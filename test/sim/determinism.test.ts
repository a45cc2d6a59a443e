import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/simulate.js';
import { smallRun } from './helpers.js';

describe('corro-sim determinism', () => {
  it('gives byte-identical results.json for the same seed and options, and a different one for another seed', async () => {
    const opts = smallRun({ scenario: 'swarm', nodes: 15, seed: 7 });
    const a = await simulate(opts);
    const b = await simulate(opts);
    const c = await simulate({ ...opts, seed: 8 });
    expect(a.json.length).toBeGreaterThan(1000);
    expect(b.json).toBe(a.json);
    expect(b.html).toBe(a.html);
    expect(c.json).not.toBe(a.json);
  });

  it('keeps wall-clock values out of results.json', async () => {
    const out = await simulate(smallRun());
    expect(out.json).not.toMatch(/wall|rss|heap/i);
    expect(out.results.seed).toBe(42);
  });
});
