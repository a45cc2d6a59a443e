import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agent/agent.js';
import { randomInt, seededRng } from '../../src/runtime/rng.js';
import { memoryCluster } from './memory-cluster.js';

function randomWrite(agent: Agent, rng: ReturnType<typeof seededRng>, i: number): void {
  const id = randomInt(rng, 40);
  const op = randomInt(rng, 10);
  if (op < 5) {
    agent.exec(
      'INSERT INTO kv (id, owner, n, note) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, n = excluded.n',
      [id, agent.actorId.slice(0, 6), i, `w${i}`],
    );
  } else if (op < 8) {
    agent.exec('UPDATE kv SET n = n + 1, note = ? WHERE id = ?', [`u${i}`, id]);
  } else if (op < 9) {
    agent.exec('DELETE FROM kv WHERE id = ?', [id]);
  } else {
    agent.transaction((tx) => {
      tx.exec('DELETE FROM kv WHERE id = ?', [id]);
      tx.exec('INSERT INTO kv (id, owner, n) VALUES (?, ?, ?)', [id, 'tx', i]);
      tx.exec('INSERT OR REPLACE INTO kv (id, owner, n) VALUES (?, ?, ?)', [(id + 1) % 40, 'tx', i]);
    });
  }
}

describe('agents on the in-memory network, in virtual time', () => {
  it('10 agents, random writes on all, 20% loss + duplication + reordering, then healing: identical tables', async () => {
    const seed = 42;
    const c = memoryCluster(10, seed);
    expect(c.sched.runUntilTrue(c.allSeeAll, 60_000), `seed=${seed}: membership did not form`).toBe(true);
    Object.assign(c.net.conditions, { lossRate: 0.2, duplicateRate: 0.1, reorderRate: 0.2, jitterMs: 20 });
    const rng = seededRng(seed);
    const commits = new Map<string, number>();
    for (const a of c.agents)
      a.on('commit', (e) => commits.set(a.actorId, (commits.get(a.actorId) ?? 0) + e.changesets.length));
    for (let i = 0; i < 300; i++) {
      c.sched.runFor(randomInt(rng, 60));
      randomWrite(c.agents[randomInt(rng, c.agents.length)] as Agent, rng, i);
    }
    Object.assign(c.net.conditions, { lossRate: 0, duplicateRate: 0, reorderRate: 0, jitterMs: 0 });
    expect(c.sched.runUntilTrue(c.identical, 180_000), `seed=${seed}: tables differ after healing`).toBe(
      true,
    );
    const rows = c.agents[0]?.query('SELECT count(*) AS n FROM kv')[0] as { n: number };
    expect(rows.n).toBeGreaterThan(0);
    // Every agent applied remote changesets and measured their lag.
    for (const a of c.agents) {
      const m = a.metrics();
      expect(m.replication.applied).toBeGreaterThan(0);
      expect(m.lag.count).toBeGreaterThan(0);
      expect((commits.get(a.actorId) ?? 0) > 0).toBe(true);
    }
    // Loss really happened, and anti-entropy had to repair some of it.
    const pulled = c.agents.reduce((s, a) => s + (a.metrics().replication.syncPulled ?? 0), 0);
    expect(pulled).toBeGreaterThan(0);
    await c.drive(Promise.all(c.agents.map((a) => a.close())));
  });

  it('close() leaves gracefully: the others see the member as left', async () => {
    const c = memoryCluster(3, 7);
    expect(c.sched.runUntilTrue(c.allSeeAll, 60_000)).toBe(true);
    const [a, b] = c.agents as [Agent, Agent, Agent];
    const left: string[] = [];
    b.on('member', (ch) => {
      if (ch.kind === 'left') left.push(ch.member.actorId);
    });
    a.exec('INSERT INTO kv (id, owner) VALUES (1, ?)', ['a']);
    await c.drive(a.close());
    expect(() => a.exec('SELECT 1')).toThrow(/closed/);
    expect(c.sched.runUntilTrue(() => left.includes(a.actorId), 30_000)).toBe(true);
    expect(b.query('SELECT owner FROM kv')).toEqual([{ owner: 'a' }]);
    await c.drive(Promise.all(c.agents.slice(1).map((x) => x.close())));
  });
});

describe('large changesets through the real store', () => {
  it('a 400-row transaction (too large for one packet) is announced and pulled by everyone', async () => {
    const c = memoryCluster(4, 9, { syncMinIntervalMs: 3_600_000, syncMaxIntervalMs: 3_600_000 });
    expect(c.sched.runUntilTrue(c.allSeeAll, 60_000)).toBe(true);
    const [a] = c.agents as [Agent];
    const cs = a.transaction((tx) => {
      for (let i = 0; i < 400; i++)
        tx.exec('INSERT INTO kv (id, owner, n, note) VALUES (?, ?, ?, ?)', [i, 'big', i, 'x'.repeat(20)]);
    });
    expect(cs).not.toBeNull();
    expect(c.sched.runUntilTrue(c.identical, 30_000)).toBe(true);
    expect(a.metrics().replication.announcesSent).toBeGreaterThan(0);
    const pulled = c.agents.reduce((s, x) => s + (x.metrics().replication.syncPulled ?? 0), 0);
    expect(pulled).toBe(3);
    await c.drive(Promise.all(c.agents.map((x) => x.close())));
  });
});
