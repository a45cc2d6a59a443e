import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src/broadcast/codec.js';
import { WireCode } from '../../src/broadcast/wire-codes.js';
import { randomInt, seededRng } from '../../src/runtime/rng.js';
import { fakeCluster } from './fakes/cluster.js';

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

describe('replication over fake membership, in virtual time', () => {
  it('in a small cluster a local write is pushed directly to every peer: one hop each', () => {
    // Anti-entropy effectively off: only broadcast can spread the write.
    const c = fakeCluster(12, 1, { syncMinIntervalMs: 3_600_000, syncMaxIntervalMs: 3_600_000 });
    c.nodes[0]?.store.write();
    expect(c.sched.runUntilTrue(c.converged, 10_000)).toBe(true);
    const m = c.nodes.map((x) => x.repl.metrics);
    expect(m[0]?.eagerSends).toBe(11);
    // Each peer applied it one link latency (5 ms) after the commit, by the push.
    expect(m.slice(1).every((x) => x.lag.count === 1 && x.lag.maxMs === 5)).toBe(true);
    expect(sum(m.map((x) => x.applied))).toBe(11);
    // Direct copies are not passed on; the writer's own gossip copies arrive as duplicates.
    c.sched.runFor(10_000);
    expect(sum(m.map((x) => x.relayed))).toBe(0);
    expect(sum(m.map((x) => x.duplicates))).toBeGreaterThan(0);
    expect(sum(m.map((x) => x.syncPulled))).toBe(0);
  });

  it('in a larger cluster a local write goes through sqrt(n) relays: two hops, each node once', () => {
    const c = fakeCluster(50, 2, { syncMinIntervalMs: 3_600_000, syncMaxIntervalMs: 3_600_000 });
    c.nodes[0]?.store.write();
    c.sched.runFor(11); // two link latencies
    expect(c.converged()).toBe(true);
    const m = c.nodes.map((x) => x.repl.metrics);
    // ceil(sqrt(49)) = 7 relays, each forwarding to its slice of the other 42 peers.
    expect(m[0]?.eagerSends).toBe(7);
    expect(sum(m.map((x) => x.relayForwards))).toBe(7);
    expect(sum(m.map((x) => x.eagerSends))).toBeLessThanOrEqual(7 + 48);
    const lags = m.slice(1).map((x) => x.lag.maxMs);
    expect(lags.filter((l) => l === 5).length).toBe(7);
    expect(lags.filter((l) => l === 10).length).toBe(42);
    expect(sum(m.map((x) => x.applied))).toBe(49);
  });

  it('a relay forwards its slice even when another copy reached it first, and only once', () => {
    const c = fakeCluster(20, 3, { syncMinIntervalMs: 3_600_000, syncMaxIntervalMs: 3_600_000 });
    const [a, r] = c.nodes;
    if (!a || !r) throw new Error('nodes');
    c.net.faults.loss = 1; // nobody hears A's own pushes and gossip
    const cs = a.store.write();
    c.sched.runFor(5000);
    c.net.faults.loss = 0;
    const h = c.net.nodes.get(r.id)?.handler;
    h?.(a.id, encodeMessage({ type: WireCode.Changeset, relay: false, changeset: cs }));
    c.sched.runFor(1);
    expect(c.converged()).toBe(false);
    const fanout = encodeMessage({ type: WireCode.Fanout, slice: 0, slices: 1, changeset: cs });
    h?.(a.id, fanout);
    h?.(a.id, fanout);
    c.sched.runFor(6); // one link latency
    expect(c.converged()).toBe(true);
    expect(r.repl.metrics.relayForwards).toBe(1);
    expect(r.repl.metrics.eagerSends).toBe(18); // everyone but the writer and itself
  });

  it('with pushes off a write spreads by gossip alone, and duplicates are not passed on', () => {
    const c = fakeCluster(12, 1, {
      syncMinIntervalMs: 3_600_000,
      syncMaxIntervalMs: 3_600_000,
      directPushMaxPeers: 0,
      maxPushesPerSec: 1e-9,
    });
    c.nodes[0]?.store.write();
    expect(c.sched.runUntilTrue(c.converged, 10_000)).toBe(true);
    const m = c.nodes.map((x) => x.repl.metrics);
    expect(m[0]?.eagerSends).toBe(0);
    expect(m[0]?.pushesDeferred).toBe(4); // ceil(sqrt(11)) relays not paid for
    // Every other node applied it once and passed it on once; everything else was a duplicate.
    expect(sum(m.map((x) => x.applied))).toBe(11);
    expect(sum(m.map((x) => x.relayed))).toBe(11);
    c.sched.runFor(10_000);
    expect(sum(m.map((x) => x.duplicates))).toBeGreaterThan(0);
    expect(sum(m.map((x) => x.relayed))).toBe(11);
    // A gossip round (200 ms) or more after the commit.
    expect(m.slice(1).every((x) => x.lag.count === 1 && x.lag.maxMs >= 200)).toBe(true);
  });

  it('missing dependencies are requested from the sender directly', () => {
    const c = fakeCluster(3, 2, { syncMinIntervalMs: 3_600_000, syncMaxIntervalMs: 3_600_000 });
    const [a, b] = c.nodes;
    if (!a || !b) throw new Error('nodes');
    c.net.faults.loss = 1; // nobody hears A's writes
    a.store.write();
    const v2 = a.store.write();
    c.sched.runFor(5000);
    c.net.faults.loss = 0;
    expect(b.store.count(a.id)).toBe(0);
    // B receives only v2, straight from A: it is kept pending and v1 is asked of A.
    c.net.nodes
      .get(b.id)
      ?.handler(a.id, encodeMessage({ type: WireCode.Changeset, relay: false, changeset: v2 }));
    c.sched.runFor(1); // the receive batch is applied at the end of the task
    expect(b.store.count(a.id)).toBe(0);
    expect(b.repl.metrics.pending).toBe(1);
    expect(b.repl.metrics.depRequestsSent).toBe(1);
    c.sched.runFor(100);
    expect(a.repl.metrics.depRequestsServed).toBe(1);
    expect(b.store.count(a.id)).toBe(2);
    // A direct reply is not passed on: the third node still has nothing.
    expect(c.nodes[2]?.store.count(a.id)).toBe(0);
  });

  it('a changeset larger than one packet is announced and pulled over a channel', () => {
    const c = fakeCluster(6, 4, { syncMinIntervalMs: 3_600_000, syncMaxIntervalMs: 3_600_000 }, 5000);
    c.nodes[0]?.store.write();
    expect(c.sched.runUntilTrue(c.converged, 30_000)).toBe(true);
    expect(c.nodes[0]?.repl.metrics.announcesSent).toBeGreaterThan(0);
    expect(sum(c.nodes.map((x) => x.repl.metrics.announcePulls))).toBeGreaterThanOrEqual(5);
    expect(sum(c.nodes.map((x) => x.repl.metrics.syncPulled))).toBe(5);
  });

  it('anti-entropy runs in quarter intervals for syncWarmupMs after start, then backs off', () => {
    const rounds = (warmupMs: number, fromMs: number, toMs: number) => {
      const c = fakeCluster(3, 7, { syncWarmupMs: warmupMs });
      c.sched.runFor(fromMs);
      const before = c.nodes[0]?.repl.metrics.syncStarted ?? 0;
      c.sched.runFor(toMs - fromMs);
      return (c.nodes[0]?.repl.metrics.syncStarted ?? 0) - before;
    };
    // Rounds every 125-250 ms in the first 2 s (with the default 1000 ms minimum interval)...
    expect(rounds(5000, 0, 2000)).toBeGreaterThanOrEqual(8);
    // ...against at most one a second without warm-up.
    expect(rounds(0, 0, 2000)).toBeLessThanOrEqual(2);
    // After the warm-up, nothing to find: the backoff grows again.
    expect(rounds(5000, 10_000, 20_000)).toBeLessThanOrEqual(6);
  });

  it('a node that missed the pushes catches up within the warm-up', () => {
    const c = fakeCluster(3, 8);
    c.net.faults.loss = 1; // pushes and gossip lost; channels still work
    c.nodes[0]?.store.write();
    c.sched.runFor(600);
    expect(c.converged()).toBe(true);
  });

  it('anti-entropy alone brings a node that missed everything up to date, in bounded chunks', () => {
    const c = fakeCluster(4, 5, { directPushMaxPeers: 0, maxPushesPerSec: 1e-9, maxVersionsPerPull: 16 });
    const late = c.nodes[3];
    if (!late) throw new Error('nodes');
    c.net.faults.loss = 1; // no gossip at all
    for (let i = 0; i < 100; i++) c.nodes[i % 3]?.store.write();
    c.sched.runFor(2000);
    c.net.faults.loss = 0;
    expect(c.sched.runUntilTrue(c.converged, 120_000)).toBe(true);
    expect(late.store.contents().length).toBe(100);
    expect(late.repl.metrics.syncPulled).toBeGreaterThan(0);
    expect(late.repl.metrics.syncCompleted).toBeGreaterThan(0);
  });

  it('a server at its session bound answers busy, and everyone still converges', () => {
    const c = fakeCluster(5, 6, {
      directPushMaxPeers: 0,
      maxPushesPerSec: 1e-9,
      maxServerSessions: 1,
      syncMinIntervalMs: 200,
      maxClientSessions: 2,
    });
    c.net.faults.loss = 1;
    for (let i = 0; i < 50; i++) c.nodes[0]?.store.write();
    // Everyone pulls from node 0 at once.
    for (const n of c.nodes.slice(1)) {
      n.repl.antiEntropy.noteHead(c.nodes[0]?.id as never, c.nodes[0]?.id as never, 50);
      n.repl.syncNow();
    }
    c.sched.runFor(2000);
    c.net.faults.loss = 0;
    expect(c.sched.runUntilTrue(c.converged, 120_000)).toBe(true);
    expect(c.nodes[0]?.repl.metrics.syncBusy).toBeGreaterThan(0);
  });

  it('10 nodes, random writes everywhere, 20% loss, duplication, reordering, then healing: identical', () => {
    for (const seed of [11, 12, 13]) {
      const c = fakeCluster(10, seed);
      const rng = seededRng(seed * 7);
      c.net.faults = { loss: 0.2, duplicate: 0.1, jitterMs: 40 };
      for (let i = 0; i < 300; i++) {
        c.sched.runFor(randomInt(rng, 40));
        c.nodes[randomInt(rng, c.nodes.length)]?.store.write();
      }
      c.net.faults = { loss: 0, duplicate: 0, jitterMs: 0 };
      const ok = c.sched.runUntilTrue(c.converged, 120_000);
      expect(ok, `seed=${seed}`).toBe(true);
      expect(c.nodes[0]?.store.contents().length).toBe(300);
    }
  });

  it('a partitioned half catches up after healing', () => {
    const c = fakeCluster(8, 21);
    const left = c.nodes.slice(0, 4);
    const right = c.nodes.slice(4);
    for (const l of left) for (const r of right) c.net.cut.add(`${l.id}|${r.id}`);
    for (let i = 0; i < 40; i++) (i % 2 ? left : right)[i % 4]?.store.write();
    c.sched.runFor(20_000);
    expect(c.converged()).toBe(false);
    c.net.cut.clear();
    expect(c.sched.runUntilTrue(c.converged, 120_000)).toBe(true);
  });

  it('garbage payloads are dropped and counted', () => {
    const c = fakeCluster(2, 31);
    const b = c.nodes[1];
    const h = c.net.nodes.get(b?.id as never)?.handler;
    h?.(c.nodes[0]?.id as never, new Uint8Array([1, 2, 3]));
    h?.(c.nodes[0]?.id as never, encodeMessage({ type: WireCode.SyncEnd, sid: 1 }));
    expect(b?.repl.metrics.decodeErrors).toBe(1);
    expect(b?.repl.metrics.misrouted).toBe(1);
  });
});

describe('hostile payloads', () => {
  it('random and mutated payloads never throw and are counted', async () => {
    const fc = (await import('fast-check')).default;
    const c = fakeCluster(2, 41);
    const [a, b] = c.nodes;
    if (!a || !b) throw new Error('nodes');
    const valid = encodeMessage({ type: WireCode.Changeset, relay: true, changeset: a.store.write() });
    const handler = c.net.nodes.get(b.id)?.handler;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (junk, pos, byte) => {
          handler?.(a.id, junk);
          const m = valid.slice();
          m[pos % m.length] = byte;
          handler?.(a.id, m);
        },
      ),
      { numRuns: 500 },
    );
    c.sched.runFor(5000);
    const mt = b.repl.metrics;
    expect(mt.decodeErrors + mt.misrouted + mt.changesetsReceived + mt.depRequestsServed).toBeGreaterThan(
      500,
    );
    // The node still works: a fresh write reaches it.
    a.store.write();
    expect(c.sched.runUntilTrue(c.converged, 30_000)).toBe(true);
  });
});
