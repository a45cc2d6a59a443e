import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../../src/sim/scenarios.js';
import { simulate } from '../../src/sim/simulate.js';
import { smallRun } from './helpers.js';

describe('every built-in scenario, small, on the stand-in protocol', () => {
  for (const name of SCENARIO_NAMES) {
    it(`${name}: fault phase then healing converges and every checker passes`, async () => {
      const out = await simulate(
        smallRun({ scenario: name, nodes: name === 'swarm' ? undefined : 20, seed: 3 }),
      );
      const failed = out.results.checks.filter((c) => !c.ok);
      expect(failed, `${out.summary}\nreplay: ${out.replay}`).toEqual([]);
      expect(out.results.run.convergedAfterHealMs).not.toBeNull();
      expect(out.results.propagation.acknowledged).toBeGreaterThan(0);
      expect(out.results.series.length).toBeGreaterThan(5);
    });
  }

  it('crash: detects the crashed nodes and reports detection times', async () => {
    const out = await simulate(smallRun({ scenario: 'crash' }));
    const m = out.results.membership;
    expect(m.crashes).toBe(2);
    expect(m.undetected).toBe(0);
    expect(m.firstDetection.max).toBeGreaterThan(0);
  });

  it('steady: figures nothing measured are null in results.json and n/a in the summary', async () => {
    const out = await simulate(smallRun({ scenario: 'steady', nodes: 6, durationMs: 3000 }));
    const m = out.results.membership;
    expect(m.crashes).toBe(0);
    expect(m.allDead).toEqual({ count: 0, p50: null, p99: null, max: null, mean: null });
    expect(m.firstDetection.p50).toBeNull();
    expect(out.json).toContain('"allDead": {\n      "count": 0,\n      "p50": null');
    expect(out.summary).toMatch(/crash seen dead by all p50 \/ max\s+n\/a \/ n\/a ms/);
    expect(out.summary).toMatch(/crash detection first p50 \/ max\s+n\/a \/ n\/a ms \(0 crashes\)/);
    // Measured figures stay numbers.
    expect(out.results.propagation.full.p50).toBeGreaterThan(0);
  });

  it('warm-up: writes and scenario events wait for it; auto ends it when the members agree', async () => {
    const none = await simulate(smallRun({ scenario: 'crash' }));
    const fixed = await simulate(smallRun({ scenario: 'crash', warmupMs: 4000 }));
    const auto = await simulate(smallRun({ scenario: 'crash', warmupMs: 'auto' }));
    expect(none.results.run.faultStartMs).toBe(0);
    expect(fixed.results.run.faultStartMs).toBe(4000);
    expect(fixed.results.run.faultEndMs).toBe(4000 + 10_000);
    const a = auto.results;
    // Not before every node has started (they start within the first second).
    expect(a.run.faultStartMs).toBeGreaterThanOrEqual(1000);
    // Ends once every node's view agrees: the sampled observers agreed by then.
    expect(a.membership.firstAgreementMs).not.toBeNull();
    expect(a.membership.firstAgreementMs as number).toBeLessThanOrEqual(a.run.faultStartMs);
    for (const r of [fixed.results, a]) {
      expect(r.ok).toBe(true);
      expect(r.membership.crashes).toBe(2);
      expect(r.membership.undetected).toBe(0);
      // Nodes start within the first second; no crash happens before the fault phase.
      const warm = r.series.filter((x) => (x.t ?? 0) >= 1000 && (x.t ?? 0) <= r.run.faultStartMs);
      expect(warm.length).toBeGreaterThan(0);
      for (const x of warm) expect(x.liveNodes).toBe(20);
      // Writes start with the fault phase.
      expect(
        r.series.filter((x) => (x.t ?? 0) <= r.run.faultStartMs).every((x) => x.heldFraction === 0),
      ).toBe(true);
    }
    expect(fixed.replay).toContain('--warmup 4');
    expect(auto.replay).not.toContain('--warmup');
    expect(none.replay).toContain('--warmup 0');
  });

  it('partition: drops packets at the cut and still converges after healing', async () => {
    const out = await simulate(smallRun({ scenario: 'partition' }));
    expect(out.results.traffic.totals.partitioned).toBeGreaterThan(0);
    expect(out.results.ok).toBe(true);
  });

  it('runs a scenario file', async () => {
    const file = JSON.stringify({
      name: 'mine',
      nodes: 8,
      events: [
        { at: 2000, do: 'crash', nodes: [3] },
        {
          at: 3000,
          do: 'partition',
          groups: [
            [1, 2],
            [0, 4, 5, 6, 7],
          ],
          oneWay: true,
        },
        { at: 5000, do: 'restart', nodes: [3] },
        { at: 6000, do: 'heal' },
      ],
    });
    const out = await simulate(smallRun({ scenario: 'file', scenarioJson: file, scenarioPath: 'mine.json' }));
    expect(out.results.scenario.name).toBe('mine');
    expect(out.results.scenario.nodes).toBe(8);
    expect(out.results.ok).toBe(true);
    expect(out.replay).toContain('--scenario mine.json');
  });
});
