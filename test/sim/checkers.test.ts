import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/simulate.js';
import { floodProtocol } from './flood-protocol.js';
import { smallRun } from './helpers.js';

const failedNames = (checks: readonly { name: string; ok: boolean }[]) =>
  checks.filter((c) => !c.ok).map((c) => c.name);

describe('checkers catch planted bugs', () => {
  it('a node that silently drops one changeset breaks convergence and loses an acknowledged write', async () => {
    const out = await simulate(
      smallRun({ protocol: floodProtocol({ dropWrite: { node: 4, writeId: 'w3' } }) }),
    );
    expect(failedNames(out.results.checks)).toEqual(['convergence', 'no-lost-write']);
    const lost = out.results.checks.find((c) => c.name === 'no-lost-write');
    expect(lost?.failures[0]).toBe('n4 lacks acknowledged write w3');
    expect(out.summary).toContain('FAIL');
    expect(out.replay).toMatch(
      /^npx corro-sim --seed 42 --scenario steady --nodes 20 --duration 10 --heal 30 /,
    );
  });

  it('a writer that acknowledges without storing loses the write everywhere', async () => {
    const out = await simulate(smallRun({ protocol: floodProtocol({ ackWithoutStore: 'w0' }) }));
    expect(failedNames(out.results.checks)).toContain('no-lost-write');
    expect(out.results.ok).toBe(false);
  });

  it('a failure detector that never suspects breaks membership agreement after a crash', async () => {
    const out = await simulate(
      smallRun({ scenario: 'crash', protocol: floodProtocol({ neverSuspect: true }) }),
    );
    expect(failedNames(out.results.checks)).toEqual(['membership-agreement']);
    expect(out.results.membership.undetected).toBe(2);
  });

  it('a queue over its bound is reported', async () => {
    const out = await simulate(smallRun({ protocol: floodProtocol({ overflowQueue: true }) }));
    expect(failedNames(out.results.checks)).toEqual(['queue-bounds']);
  });

  it('the unmodified stand-in passes every checker on the same run', async () => {
    const out = await simulate(smallRun());
    expect(failedNames(out.results.checks)).toEqual([]);
  });
});
