import { describe, expect, it } from 'vitest';
import { allSeeAllAlive, makeCluster, stateOf } from './cluster.js';

// A member that gossip missed, repaired by the periodic digest-gated push-pull (lan preset:
// pushPullIntervalMs 30 s), on the in-memory network in virtual time.

describe('digest-gated push-pull repairs a member that gossip missed', () => {
  function missedJoin(pushPullIntervalMs: number) {
    const c = makeCluster(40, { seed: 5, config: { pushPullIntervalMs } });
    expect(c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 60_000)).toBe(true);
    // `deaf` hears nothing while `late` joins and its alive news uses up its transmit limit.
    const deaf = c.nodes[5]!;
    c.net.drop(deaf.localAddr);
    const late = c.add();
    c.sched.runFor(5_000);
    c.net.undrop(deaf.localAddr);
    return { c, deaf, late };
  }

  it('the missed member is known within about one interval, with no full push-pull', () => {
    const { c, deaf, late } = missedJoin(30_000);
    // The miss is real: the join gossip is over (5 s), and the deaf node does not know the new member.
    expect(stateOf(deaf, late)).toBeUndefined();
    expect(c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 45_000)).toBe(true);
    const fallbacks = c.nodes.reduce((s, n) => s + n.metrics.digestFullFallbacks, 0);
    expect(fallbacks).toBe(0);
  });

  it('without periodic push-pull the miss stays (the previous test bites)', () => {
    const { c, deaf, late } = missedJoin(0);
    expect(c.sched.runUntilTrue(() => stateOf(deaf, late) === 'alive', 120_000)).toBe(false);
  });
});
