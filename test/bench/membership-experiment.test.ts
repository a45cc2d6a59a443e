import { describe, expect, it } from 'vitest';
import { type MemberNode, runExperiment } from '../../bench/lib/membership-experiment.js';
import { epochMs } from '../../bench/lib/processes.js';

/**
 * An in-memory cluster of fake members: a join is seen by every live member at once, a kill
 * is seen as failed by every other live member at once, and a member may be told to suspect
 * someone. Lets the experiment's bookkeeping be checked without processes or timing.
 */
class FakeCluster {
  readonly nodes: FakeNode[] = [];
  bytesPerNode = 100;
  /** Names that never report other members' failures (to exercise the bound). */
  deaf = new Set<string>();

  start = async (name: string): Promise<MemberNode> => {
    const n = new FakeNode(name, this);
    this.nodes.push(n);
    return n;
  };
}

class FakeNode implements MemberNode {
  readonly gossipAddr: string;
  readonly seen: { event: 'join' | 'failed'; member: string; atMs: number }[] = [];
  readonly suspected: { name: string; atMs: number }[] = [];
  alive = true;
  joined = false;
  constructor(
    readonly name: string,
    private readonly cluster: FakeCluster,
  ) {
    this.gossipAddr = `${name}:1`;
  }
  async join(): Promise<void> {
    this.joined = true;
    const t = epochMs();
    for (const n of this.cluster.nodes)
      if (n.alive) {
        n.seen.push({ event: 'join', member: this.name, atMs: t });
        if (n !== this) this.seen.push({ event: 'join', member: n.name, atMs: t });
      }
  }
  sawAt(event: 'join' | 'failed', member: string, sinceMs: number): number | undefined {
    return this.seen.find((s) => s.event === event && s.member === member && s.atMs >= sinceMs)?.atMs;
  }
  suspicions() {
    return this.suspected;
  }
  sentBytes(): number {
    return this.alive ? this.cluster.bytesPerNode * (this.seen.length + 1) : 0;
  }
  kill(): void {
    this.alive = false;
    const t = epochMs();
    for (const n of this.cluster.nodes)
      if (n.alive && !this.cluster.deaf.has(n.name))
        n.seen.push({ event: 'failed', member: this.name, atMs: t + 1 });
  }
  close(): void {}
}

const size = { nodes: 4, cycles: 2, quietMs: 5, boundMs: 300 };

describe('membership experiment bookkeeping', () => {
  it('measures every join and kill, starts one node per cycle, and kills older non-seed nodes', async () => {
    const c = new FakeCluster();
    const started: MemberNode[] = [];
    const s = await runExperiment(c.start, size, started);
    expect(started.map((n) => n.name)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
    expect(s.joinSeenByAllMs).toHaveLength(2);
    expect(s.killSeenByAllMs).toHaveLength(2);
    for (const ms of [...s.joinSeenByAllMs, ...s.killSeenByAllMs]) expect(ms).toBeGreaterThanOrEqual(0);
    expect(c.nodes[0]?.alive).toBe(true);
    expect(c.nodes.filter((n) => !n.alive)).toHaveLength(2);
    expect(s.timeouts).toEqual([]);
    // One quiet window after forming and two per cycle.
    expect(s.bytesPerNodePerSec).toHaveLength(1 + 2 * size.cycles);
    expect(s.falseSuspicions).toBe(0);
  });

  it('counts suspicions of live nodes as false and of killed nodes after the kill as true', async () => {
    const c = new FakeCluster();
    const started: MemberNode[] = [];
    const start = async (name: string) => {
      const n = (await c.start(name)) as FakeNode;
      // n0 wrongly suspects n2 at start, and suspects everyone far in the future (after any kill).
      if (name === 'n0') {
        n.suspected.push({ name: 'n2', atMs: epochMs() });
        for (const v of ['n1', 'n2', 'n3']) n.suspected.push({ name: v, atMs: epochMs() + 3_600_000 });
      }
      return n;
    };
    const s = await runExperiment(start, size, started);
    const killed = c.nodes.filter((n) => !n.alive).map((n) => n.name);
    // n2's early suspicion is false whatever happened; a future suspicion is false only for
    // a node that was never killed.
    const neverKilled = ['n1', 'n2', 'n3'].filter((v) => !killed.includes(v)).length;
    expect(s.falseSuspicions).toBe(1 + neverKilled);
    expect(s.observedNodeSeconds).toBeGreaterThan(0);
  });

  it('records a failure nobody reports as a timeout instead of a figure', async () => {
    const c = new FakeCluster();
    c.deaf.add('n0');
    const started: MemberNode[] = [];
    const s = await runExperiment(c.start, { ...size, cycles: 1, boundMs: 50 }, started);
    expect(s.killSeenByAllMs).toEqual([]);
    expect(s.timeouts).toEqual(['kill of n1 (cycle 0)']);
  });

  it('refuses to go on when the cluster never forms', async () => {
    const c = new FakeCluster();
    const start = async (name: string) => {
      const n = (await c.start(name)) as FakeNode;
      n.join = async () => {};
      return n;
    };
    await expect(runExperiment(start, { ...size, boundMs: 30 }, [])).rejects.toThrow(/did not form/);
  });
});
