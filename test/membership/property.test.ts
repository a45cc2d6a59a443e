import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Membership } from '../../src/membership/membership.js';
import { makeCluster } from './cluster.js';

/** Every node lists every node as alive at the incarnation that node itself holds. */
function agree(nodes: readonly Membership[]): boolean {
  return nodes.every((a) =>
    nodes.every((b) => {
      const v = a.members().find((m) => m.actorId === b.actorId);
      return v?.state === 'alive' && v.incarnation === b.incarnation;
    }),
  );
}

describe('property: after any mix of loss, delay, duplication and reordering heals, all members agree', () => {
  it('converges to one member list', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(),
          n: fc.integer({ min: 3, max: 8 }),
          lossRate: fc.double({ min: 0, max: 0.4, noNaN: true }),
          jitterMs: fc.integer({ min: 0, max: 300 }),
          duplicateRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
          reorderRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
          latencyMs: fc.integer({ min: 1, max: 200 }),
          faultyMs: fc.integer({ min: 5_000, max: 60_000 }),
        }),
        (p) => {
          const c = makeCluster(p.n, {
            seed: p.seed,
            net: {
              lossRate: p.lossRate,
              jitterMs: p.jitterMs,
              duplicateRate: p.duplicateRate,
              reorderRate: p.reorderRate,
              latencyMs: () => p.latencyMs,
            },
          });
          c.sched.runFor(p.faultyMs);
          Object.assign(c.net.conditions, { lossRate: 0, jitterMs: 0, duplicateRate: 0, reorderRate: 0 });
          c.net.conditions.latencyMs = () => 1;
          const ok = c.sched.runUntilTrue(() => agree(c.nodes), 300_000);
          if (!ok) console.log(`did not converge: ${JSON.stringify(p)}`);
          expect(ok).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});
