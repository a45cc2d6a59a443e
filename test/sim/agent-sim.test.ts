import { describe, expect, it } from 'vitest';
import { agentProtocol } from '../../src/sim/adapters/agent-adapter.js';
import { SCENARIO_NAMES } from '../../src/sim/scenarios.js';
import { simulate } from '../../src/sim/simulate.js';
import { smallRun } from './helpers.js';

const real = (over: Parameters<typeof smallRun>[0] = {}) =>
  smallRun({
    protocol: agentProtocol(),
    nodes: 8,
    durationMs: 8_000,
    healMs: 90_000,
    writesPerSec: 5,
    ...over,
  });

describe('every built-in scenario, small, on real agents (store + membership + replication)', () => {
  for (const name of SCENARIO_NAMES) {
    it(`${name}: converges after healing with no acknowledged write lost`, async () => {
      const out = await simulate(real({ scenario: name, seed: 21 }));
      const failed = out.results.checks.filter((c) => !c.ok);
      expect(failed, `${out.summary}\nreplay: ${out.replay}`).toEqual([]);
      expect(out.results.checks.find((c) => c.name === 'convergence')?.applicable).toBe(true);
      expect(out.results.propagation.acknowledged).toBeGreaterThan(0);
    });
  }

  it('is deterministic on the real agent', async () => {
    const opts = real({ scenario: 'crash', seed: 4 });
    const a = await simulate(opts);
    const b = await simulate(opts);
    expect(b.json).toBe(a.json);
    // No sender reuses a packet buffer: copying every packet on send changes nothing.
    const copied = await simulate({ ...opts, copyPackets: true });
    expect(copied.json).toBe(a.json);
  });

  it('catches a planted bug: one store silently drops one remote changeset forever', async () => {
    const protocol = agentProtocol({
      onAgent: (agent, ctx, writeIdOf) => {
        if (ctx.index !== 5) return;
        const apply = agent.store.apply.bind(agent.store);
        agent.store.apply = (changesets) =>
          apply(changesets.filter((cs) => writeIdOf(cs.actor, cs.version) !== 'w2'));
      },
    });
    const out = await simulate(real({ protocol, seed: 4, healMs: 20_000 }));
    const failed = out.results.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toContain('convergence');
    expect(failed).toContain('no-lost-write');
    expect(out.results.checks.find((c) => c.name === 'no-lost-write')?.failures[0]).toBe(
      'n5 lacks acknowledged write w2',
    );
  });
});
