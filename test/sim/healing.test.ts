import { describe, expect, it } from 'vitest';
import type { SimProtocol } from '../../src/sim/protocol.js';
import { simulate } from '../../src/sim/simulate.js';
import { floodProtocol } from './flood-protocol.js';
import { smallRun } from './helpers.js';

/**
 * The flood protocol, except that node `blind` does not see the other nodes for its first
 * `blindMs` of virtual time: the one node in a large cluster that gossip has not reached yet.
 */
function withBlindNode(blind: number, blindMs: number): SimProtocol {
  const inner = floodProtocol();
  return {
    ...inner,
    async start(ctx) {
      const node = await inner.start(ctx);
      if (ctx.index !== blind || !node.view) return node;
      const view = node.view.bind(node);
      const startedMs = ctx.runtime.clock.now();
      return {
        ...node,
        view: () => (ctx.runtime.clock.now() - startedMs < blindMs ? new Map() : view()),
      };
    },
  };
}

describe('healing phase', () => {
  it('waits for every live node view, not only the sampled observers', async () => {
    const nodes = 20;
    const blindMs = 25_000;
    const out = await simulate(
      smallRun({
        nodes,
        durationMs: 10_000,
        healMs: 60_000,
        writesPerSec: 0,
        viewObservers: 1,
        protocol: withBlindNode(nodes - 1, blindMs),
      }),
    );
    const healedAt = out.results.run.convergedAfterHealMs;
    expect(healedAt, out.summary).not.toBeNull();
    // The blind node started within the first second; the fault phase ended at 10 s.
    expect(healedAt as number).toBeGreaterThanOrEqual(blindMs - 10_000 - 1000);
    expect(out.results.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
