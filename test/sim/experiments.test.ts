import { describe, expect, it } from 'vitest';
import {
  detectionExperiment,
  epidemicFractions,
  markdownTable,
  SWIM_FIRST_DETECTION_PERIODS,
} from '../../src/sim/experiments.js';
import { floodProtocol } from './flood-protocol.js';

describe('published-results models', () => {
  it('SWIM first detection is e/(e-1) periods', () => {
    expect(SWIM_FIRST_DETECTION_PERIODS).toBeCloseTo(1.582, 3);
  });

  it('the epidemic model starts at 1/N, grows monotonically and saturates', () => {
    const cases: [number, number][] = [
      [30, 3],
      [100, 3],
      [1000, 3],
    ];
    for (const [n, fanout] of cases) {
      const x = epidemicFractions(n, fanout, 20);
      expect(x[0]).toBeCloseTo(1 / n, 12);
      // One sender with fanout 3 reaches at most 3 more nodes in the first round.
      expect(x[1]).toBeLessThanOrEqual(4 / n + 1e-12);
      expect(x[1]).toBeGreaterThan(3.5 / n);
      for (let i = 1; i < x.length; i++) expect(x[i]).toBeGreaterThanOrEqual(x[i - 1] as number);
      expect(x[20]).toBeGreaterThan(0.999);
    }
    // Larger clusters need more rounds for the same fraction (logarithmic growth).
    const rounds = (n: number) => epidemicFractions(n, 3, 30).findIndex((f) => f >= 0.99);
    expect(rounds(30)).toBeLessThan(rounds(1000));
  });

  it('the detection experiment measures every crash (on the stand-in protocol)', async () => {
    const flood = floodProtocol();
    const r = await detectionExperiment(
      {
        lifeguard: flood,
        swim: flood,
        broadcast: flood,
        probeIntervalMs: 500,
        gossipIntervalMs: 500,
        gossipFanout: 3,
      },
      [8],
      5,
      2,
    );
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]?.crashes).toBe(2);
    expect(r.rows[0]?.undetected).toBe(0);
    expect(markdownTable(r)).toContain('| nodes | crashes |');
  });
});
