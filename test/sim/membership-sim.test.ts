import { describe, expect, it } from 'vitest';
import { membershipProtocol } from '../../src/sim/adapters/membership-adapter.js';
import { SCENARIO_NAMES } from '../../src/sim/scenarios.js';
import { simulate } from '../../src/sim/simulate.js';
import { smallRun } from './helpers.js';

const real = (over: Parameters<typeof smallRun>[0] = {}) =>
  smallRun({ protocol: membershipProtocol(), writesPerSec: 0, durationMs: 20_000, ...over });

describe('every built-in scenario, small, on the real membership (SWIM + Lifeguard)', () => {
  for (const name of SCENARIO_NAMES) {
    it(`${name}: heals to membership agreement with no exception`, async () => {
      const out = await simulate(
        real({ scenario: name, nodes: name === 'swarm' ? undefined : 20, seed: 11 }),
      );
      const failed = out.results.checks.filter((c) => !c.ok);
      expect(failed, `${out.summary}\nreplay: ${out.replay}`).toEqual([]);
      expect(out.results.run.convergedAfterHealMs).not.toBeNull();
    });
  }

  it('crash: every crash is detected, and seen dead by every live node', async () => {
    const out = await simulate(real({ scenario: 'crash', seed: 5, nodes: 20, durationMs: 60_000 }));
    const m = out.results.membership;
    expect(m.crashes).toBe(2);
    expect(m.undetected).toBe(0);
    expect(m.allDead.count).toBeGreaterThan(0);
  });

  it('Lifeguard: a slow node raises far fewer false suspicions of healthy members than plain SWIM', async () => {
    const run = (lifeguard: boolean) =>
      simulate(
        real({
          scenario: 'slow-node',
          nodes: 20,
          durationMs: 40_000,
          seed: 1,
          regions: ['iad'],
          protocol: membershipProtocol({ lifeguard }),
        }),
      );
    const [lg, swim] = await Promise.all([run(true), run(false)]);
    expect(swim.results.membership.falseSuspicions).toBeGreaterThan(20);
    expect(lg.results.membership.falseSuspicions * 3).toBeLessThan(swim.results.membership.falseSuspicions);
    expect(lg.results.membership.falseDeaths).toBe(0);
  });

  it('is deterministic on the real code too', async () => {
    const opts = real({ scenario: 'swarm', seed: 9, nodes: 12 });
    const a = await simulate(opts);
    const b = await simulate(opts);
    expect(b.json).toBe(a.json);
  });

  it('membership broadcast carries simulated writes to every node (dissemination mode)', async () => {
    const out = await simulate(
      real({ protocol: membershipProtocol({ broadcastWrites: true }), writesPerSec: 2, seed: 4 }),
    );
    expect(out.results.propagation.acknowledged).toBeGreaterThan(10);
    expect(out.results.propagation.incomplete).toBe(0);
    expect(out.results.ok).toBe(true);
  });
});
