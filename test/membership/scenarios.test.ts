import { describe, expect, it } from 'vitest';
import { LIFEGUARD_OFF } from '../../src/membership/config.js';
import { createMembership } from '../../src/membership/membership.js';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { MemoryNetwork } from '../../src/transport/memory-network.js';
import { allSeeAllAlive, makeCluster, stateOf, TEST_KEY } from './cluster.js';

// State-machine scenarios on the in-memory network in virtual time (lan preset unless said).

describe('failure detection', () => {
  it('every other member sees a crashed member suspect, then dead', () => {
    const c = makeCluster(6);
    expect(c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000)).toBe(true);
    const victim = c.nodes[2]!;
    const others = c.nodes.filter((n) => n !== victim);
    c.changes.length = 0;
    c.net.drop(victim.localAddr);
    expect(c.sched.runUntilTrue(() => others.every((o) => stateOf(o, victim) === 'dead'), 60_000)).toBe(true);
    const about = c.changes.filter((e) => e.change.member.actorId === victim.actorId);
    expect(about.some((e) => e.change.kind === 'suspect')).toBe(true);
    for (const o of others) {
      expect(about.filter((e) => e.observer === o.actorId).at(-1)?.change.kind).toBe('down');
    }
    // Healthy members are never suspected by healthy members meanwhile (the isolated victim,
    // still running, suspects everyone: that is its own view).
    const byHealthy = c.changes.filter((e) => e.observer !== victim.actorId);
    expect(byHealthy.filter((e) => e.change.member.actorId !== victim.actorId)).toEqual([]);
  });
});

describe('refutation', () => {
  it('a member that stalls for 3 s is suspected, refutes with a higher incarnation, and is never declared dead', () => {
    const c = makeCluster(5);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const v = c.nodes[1]!;
    c.changes.length = 0;
    c.net.pause(v.localAddr);
    c.sched.runFor(3000);
    c.net.resume(v.localAddr);
    c.sched.runFor(30_000);
    const about = c.changes.filter((e) => e.change.member.actorId === v.actorId).map((e) => e.change.kind);
    expect(about).toContain('suspect');
    expect(c.changes.filter((e) => e.change.kind === 'down')).toEqual([]);
    expect(v.incarnation).toBeGreaterThanOrEqual(1);
    expect(v.metrics.refutations).toBeGreaterThanOrEqual(1);
    for (const o of c.nodes) {
      expect(o.members().find((m) => m.actorId === v.actorId)).toMatchObject({
        state: 'alive',
        incarnation: v.incarnation,
      });
    }
  });
});

describe('leave', () => {
  it('a member that leaves is seen as left (not dead) by all, and stays left after closing', async () => {
    const c = makeCluster(5);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const v = c.nodes[4]!;
    const others = c.nodes.filter((n) => n !== v);
    let done = false;
    void v.leave().then(() => {
      done = true;
    });
    expect(c.sched.runUntilTrue(() => others.every((o) => stateOf(o, v) === 'left'), 5000)).toBe(true);
    c.sched.runFor(2000);
    await Promise.resolve();
    expect(done).toBe(true);
    // A second leave after the first completed resolves at once.
    await v.leave();
    await v.close();
    c.sched.runFor(60_000);
    for (const o of others) expect(stateOf(o, v)).toBe('left');
    expect(c.changes.filter((e) => e.change.kind === 'down')).toEqual([]);
  });
});

describe('partitions', () => {
  function partitioned(pushPullIntervalMs: number) {
    const c = makeCluster(6, { seed: 3, config: { pushPullIntervalMs } });
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const left = c.nodes.slice(0, 3);
    const right = c.nodes.slice(3);
    c.net.partition(
      left.map((n) => n.localAddr),
      right.map((n) => n.localAddr),
    );
    // Long enough for each side to declare the other dead and stop gossiping to the dead.
    c.sched.runFor(120_000);
    const split = left.every((a) => right.every((b) => stateOf(a, b) === 'dead' && stateOf(b, a) === 'dead'));
    c.net.heal();
    return { c, split };
  }

  it('a healed partition merges again through push-pull', () => {
    const { c, split } = partitioned(30_000);
    expect(split).toBe(true);
    expect(c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 300_000)).toBe(true);
  });

  it('without push-pull it stays split (the previous test bites)', () => {
    const { c, split } = partitioned(0);
    expect(split).toBe(true);
    expect(c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 300_000)).toBe(false);
  });
});

describe('Lifeguard and a slow member', () => {
  // The slow member receives every packet 5 s late (an overloaded host). Its probes all time
  // out, so it suspects healthy members. With Lifeguard its missing nacks raise its local health
  // score, and its lone suspicions wait for the maximum timeout, long enough for the healthy
  // members' refutations to reach it. Without Lifeguard, it declares healthy members dead.
  function run(lifeguard: boolean) {
    const c = makeCluster(6, { seed: 11, config: lifeguard ? {} : LIFEGUARD_OFF });
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const slow = c.nodes[5]!;
    c.changes.length = 0;
    c.net.conditions.latencyMs = (_from, to) => (to === slow.localAddr ? 5000 : 1);
    c.sched.runFor(60_000);
    const healthyDeaths = c.changes.filter(
      (e) => e.change.kind === 'down' && e.change.member.actorId !== slow.actorId,
    );
    return { healthyDeaths, slow };
  }

  it('with Lifeguard no healthy member is declared dead, and the slow member backs off', () => {
    const { healthyDeaths, slow } = run(true);
    expect(healthyDeaths).toEqual([]);
    expect(slow.metrics.awarenessScore).toBeGreaterThanOrEqual(5);
  });

  it('without Lifeguard the slow member declares healthy members dead (the test bites)', () => {
    const { healthyDeaths, slow } = run(false);
    expect(healthyDeaths.length).toBeGreaterThan(0);
    // The slow member starts it; its death claims then spread to healthy members too.
    expect(healthyDeaths.some((e) => e.observer === slow.actorId)).toBe(true);
  });
});

describe('identity, metadata, restart', () => {
  it('metadata updates are gossiped and reported as updated', () => {
    const c = makeCluster(4);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    c.changes.length = 0;
    c.nodes[2]!.setMeta({ region: 'ams' });
    const target = c.nodes[2]!.actorId;
    expect(
      c.sched.runUntilTrue(
        () => c.nodes.every((n) => n.members().find((m) => m.actorId === target)?.meta.region === 'ams'),
        10_000,
      ),
    ).toBe(true);
    const updated = c.changes.filter(
      (e) => e.change.kind === 'updated' && e.change.member.actorId === target,
    );
    expect(updated).toHaveLength(3);
    expect(() => c.nodes[0]!.setMeta({ big: 'x'.repeat(600) })).toThrow(/maxMetaBytes/);
  });

  it('a crashed member restarted with the same actor id rejoins with a higher incarnation', async () => {
    const c = makeCluster(4);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const old = c.nodes[3]!;
    const others = c.nodes.slice(0, 3);
    c.net.drop(old.localAddr);
    expect(c.sched.runUntilTrue(() => others.every((o) => stateOf(o, old) === 'dead'), 60_000)).toBe(true);
    await old.close();
    const reborn = createMembership({
      transport: c.net.bind('10.0.0.99:7946'),
      runtime: { clock: c.sched.clock, rng: seededRng(99), scheduler: c.sched },
      actorId: old.actorId,
      keys: [TEST_KEY],
      bootstrap: ['10.0.0.1:7946'],
    });
    const view = (o: (typeof others)[number]) => o.members().find((m) => m.actorId === old.actorId);
    expect(c.sched.runUntilTrue(() => others.every((o) => view(o)?.state === 'alive'), 30_000)).toBe(true);
    for (const o of others) expect(view(o)).toMatchObject({ addr: '10.0.0.99:7946' });
    expect(reborn.incarnation).toBeGreaterThan(0);
    expect(reborn.members().filter((m) => m.state === 'alive')).toHaveLength(4);
  });

  it('dead members are forgotten after deadRetentionMs', () => {
    const c = makeCluster(4, { config: { deadRetentionMs: 60_000, pushPullIntervalMs: 10_000 } });
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    c.net.drop(c.nodes[3]!.localAddr);
    c.sched.runFor(40_000);
    expect(c.nodes[0]!.members()).toHaveLength(4);
    c.sched.runFor(120_000);
    expect(c.nodes[0]!.members()).toHaveLength(3);
  });
});

describe('join', () => {
  it('a node started before its bootstrap retries with backoff and joins once the bootstrap is up', () => {
    const sched = new VirtualScheduler();
    const net = new MemoryNetwork(sched, seededRng(8));
    const rt = (s: number) => ({ clock: sched.clock, rng: seededRng(s), scheduler: sched });
    const early = createMembership({
      transport: net.bind('10.0.0.2:1'),
      runtime: rt(2),
      keys: [TEST_KEY],
      bootstrap: ['10.0.0.1:1'],
    });
    sched.runFor(20_000);
    const attempts = net.stats('10.0.0.2:1').packetsSent;
    // Backoff: 1 s doubling, so far fewer attempts than one per second.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThan(10);
    const late = createMembership({ transport: net.bind('10.0.0.1:1'), runtime: rt(1), keys: [TEST_KEY] });
    expect(sched.runUntilTrue(() => allSeeAllAlive([early, late]), 60_000)).toBe(true);
  });
});

describe('security', () => {
  it('a node with a wrong key cannot join; its packets are counted as rejected', () => {
    const c = makeCluster(3);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const intruder = createMembership({
      transport: c.net.bind('10.0.0.66:7946'),
      runtime: { clock: c.sched.clock, rng: seededRng(66), scheduler: c.sched },
      keys: [new Uint8Array(32).fill(1)],
      bootstrap: ['10.0.0.1:7946'],
    });
    c.sched.runFor(30_000);
    expect(intruder.members()).toHaveLength(1);
    for (const n of c.nodes) expect(n.members().some((m) => m.actorId === intruder.actorId)).toBe(false);
    expect(c.nodes[0]!.metrics.droppedAuth).toBeGreaterThan(0);
    expect(allSeeAllAlive(c.nodes)).toBe(true);
  });

  it('keys rotate in a running cluster without any member going down', () => {
    const c = makeCluster(5, { seed: 4 });
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    c.changes.length = 0;
    const k2 = new Uint8Array(32).fill(42);
    for (const n of c.nodes) {
      n.keyring!.install(k2);
      c.sched.runFor(3000);
    }
    for (const n of c.nodes) {
      n.keyring!.use(k2);
      c.sched.runFor(3000);
    }
    for (const n of c.nodes) {
      n.keyring!.remove(TEST_KEY);
      c.sched.runFor(3000);
    }
    c.sched.runFor(30_000);
    expect(c.changes).toEqual([]);
    expect(c.nodes.reduce((s, n) => s + n.metrics.droppedAuth, 0)).toBe(0);
    expect(allSeeAllAlive(c.nodes)).toBe(true);
  });
});

describe('messaging for the replication layer', () => {
  it('under 10% loss every broadcast reaches every member exactly once', () => {
    const c = makeCluster(10, { seed: 5, net: { lossRate: 0.1, jitterMs: 5 } });
    expect(c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 60_000)).toBe(true);
    const got = c.nodes.map(() => new Map<string, number>());
    c.nodes.forEach((n, i) => {
      n.onMessage((from, p) => {
        const k = `${from}:${Buffer.from(p).toString()}`;
        got[i]!.set(k, (got[i]!.get(k) ?? 0) + 1);
      });
    });
    for (let j = 0; j < 20; j++) {
      expect(c.nodes[j % 10]!.broadcast(new TextEncoder().encode(`m${j}`))).toBe(true);
      c.sched.runFor(100);
    }
    c.sched.runFor(10_000);
    for (let i = 0; i < 10; i++) {
      const expected = [...Array(20).keys()].filter((j) => j % 10 !== i).length;
      expect(got[i]!.size).toBe(expected);
      expect([...got[i]!.values()].every((x) => x === 1)).toBe(true);
    }
  });

  it('a keyed broadcast replaces the queued one with the same key', () => {
    const c = makeCluster(3);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const got: string[] = [];
    c.nodes[1]!.onMessage((_f, p) => got.push(Buffer.from(p).toString()));
    c.nodes[0]!.broadcast(new TextEncoder().encode('v1'), 'state');
    c.nodes[0]!.broadcast(new TextEncoder().encode('v2'), 'state');
    c.sched.runFor(5000);
    expect(got).toEqual(['v2']);
  });

  it('sendTo refuses unknown, dead and oversized targets', () => {
    const c = makeCluster(3);
    c.sched.runUntilTrue(() => allSeeAllAlive(c.nodes), 30_000);
    const a = c.nodes[0]!;
    expect(a.sendTo('f'.repeat(32) as never, new Uint8Array(1))).toBe(false);
    expect(a.sendTo(c.nodes[1]!.actorId, new Uint8Array(a.maxPayloadBytes + 1))).toBe(false);
    c.net.drop(c.nodes[2]!.localAddr);
    c.sched.runUntilTrue(() => stateOf(a, c.nodes[2]!) === 'dead', 60_000);
    expect(a.sendTo(c.nodes[2]!.actorId, new Uint8Array(1))).toBe(false);
  });
});
