import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { allSeeAll, FAST_CONFIG, NodeProcess, waitFor } from './processes.js';

// Five separate OS processes on 127.0.0.1 with real UDP, clocks and timers. Waits are on
// conditions with generous bounds (the machine is shared), never on fixed sleeps.
describe('end to end: 5 OS processes on 127.0.0.1', () => {
  const key = randomBytes(32).toString('hex');
  const procs: NodeProcess[] = [];
  const start = (args: Record<string, unknown>) => {
    const p = new NodeProcess({ keyHex: key, config: FAST_CONFIG, ...args });
    procs.push(p);
    return p;
  };
  afterAll(() => {
    for (const p of procs) p.kill();
  });

  it('all see all; kill -9 is seen dead; restart rejoins with a higher incarnation; a wrong key is rejected', async () => {
    const first = start({});
    await first.ready;
    const rest = [1, 2, 3, 4].map(() => start({ bootstrap: [first.addr] }));
    await Promise.all(rest.map((p) => p.ready));
    const nodes = [first, ...rest];
    expect(await waitFor(() => allSeeAll(nodes), 30_000)).toBe(true);

    const victim = nodes[3]!;
    const others = nodes.filter((n) => n !== victim);
    const before = others[0]!.view(victim.actorId)!.incarnation;
    victim.kill();
    expect(await waitFor(() => others.every((o) => o.view(victim.actorId)?.state === 'dead'), 30_000)).toBe(
      true,
    );

    const reborn = start({ actorId: victim.actorId, bootstrap: [first.addr] });
    await reborn.ready;
    const now = [...others, reborn];
    expect(await waitFor(() => allSeeAll(now), 30_000)).toBe(true);
    for (const o of others) expect(o.view(victim.actorId)!.incarnation).toBeGreaterThan(before);

    const intruder = start({ keyHex: randomBytes(32).toString('hex'), bootstrap: [first.addr] });
    await intruder.ready;
    expect(
      await waitFor(() => (first.last?.metrics.droppedAuth ?? 0) >= 3 && intruder.last !== undefined, 30_000),
    ).toBe(true);
    expect(intruder.last?.members.filter((m) => m.state === 'alive')).toHaveLength(1);
    for (const o of now) expect(o.view(intruder.actorId)).toBeUndefined();
    expect(allSeeAll(now)).toBe(true);
  });
});
