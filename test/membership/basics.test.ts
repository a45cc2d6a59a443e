import { describe, expect, it } from 'vitest';
import { allSeeAllAlive, makeCluster, stateOf } from './cluster.js';

describe('membership on the in-memory network (virtual time)', () => {
  it('five nodes join through one bootstrap and all see all alive', () => {
    const c = makeCluster(5);
    expect(c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000)).toBe(true);
    for (const n of c.nodes) expect(n.members()).toHaveLength(5);
  });

  it('a crashed member is seen dead by all others', () => {
    const c = makeCluster(5);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const victim = c.nodes[3]!;
    c.net.drop(victim.localAddr);
    const t0 = c.sched.now();
    const others = c.nodes.filter((n) => n !== victim);
    expect(c.sched.runUntilTrue(() => others.every((o) => stateOf(o, victim) === 'dead'), 60_000)).toBe(true);
    const took = c.sched.now() - t0;
    // lan preset: suspicion minimum is 4 s; with no confirmations expected it would be 24 s.
    expect(took).toBeGreaterThan(4000);
    expect(took).toBeLessThan(30_000);
  });

  it('broadcast reaches every other member once; sendTo reaches one', () => {
    const c = makeCluster(6);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const got = c.nodes.map(() => [] as string[]);
    c.nodes.forEach((n, i) => {
      n.onMessage((from, p) => got[i]!.push(`${from.slice(0, 4)}:${Buffer.from(p).toString()}`));
    });
    expect(c.nodes[0]!.broadcast(new TextEncoder().encode('hello'))).toBe(true);
    c.sched.runFor(5000);
    const tag = `${c.nodes[0]!.actorId.slice(0, 4)}:hello`;
    expect(got[0]).toEqual([]);
    for (let i = 1; i < 6; i++) expect(got[i]).toEqual([tag]);
    expect(c.nodes[2]!.sendTo(c.nodes[4]!.actorId, new TextEncoder().encode('direct'))).toBe(true);
    c.sched.runFor(100);
    expect(got[4]).toContain(`${c.nodes[2]!.actorId.slice(0, 4)}:direct`);
    expect(got[3]).not.toContain(`${c.nodes[2]!.actorId.slice(0, 4)}:direct`);
  });

  it('measures a smoothed RTT from probe acks', () => {
    const c = makeCluster(3, { net: { latencyMs: () => 20 } });
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    c.sched.runFor(20_000);
    const rtt = c.nodes[0]!.rttMs(c.nodes[1]!.actorId);
    expect(rtt).toBeDefined();
    expect(rtt!).toBeCloseTo(40, 0);
  });
});
