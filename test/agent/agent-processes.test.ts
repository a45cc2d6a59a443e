import { afterAll, describe, expect, it } from 'vitest';
import { type AgentProcess, clusterDirs, killAll, spawnAgent, waitUntil } from './process-cluster.js';

// Five real agent processes on 127.0.0.1: UDP gossip (sealed), WebRTC data channels.
const REPLICATION = { syncMinIntervalMs: 300, syncMaxIntervalMs: 2000 };

describe('5 agent processes on loopback', () => {
  const dirs = clusterDirs();
  const procs: (AgentProcess | undefined)[] = [];

  afterAll(() => {
    killAll(procs);
    dirs.cleanup();
  });

  async function dumps(): Promise<{ digest: string; ids: number[] }[]> {
    return Promise.all(
      procs.map(async (p) => {
        const r = await (p as AgentProcess).call({ cmd: 'dump' });
        return { digest: r.digest as string, ids: r.ids as number[] };
      }),
    );
  }

  async function converged(): Promise<boolean> {
    const d = await dumps();
    return d.every((x) => x.digest === d[0]?.digest);
  }

  it('writes on all converge; kill -9 during a write stream, restart: catches up, no acknowledged write lost', async () => {
    const first = await spawnAgent({
      dataDir: dirs.dir(0),
      addr: '127.0.0.1:0',
      bootstrap: [],
      keyHex: dirs.keyHex,
      replication: REPLICATION,
    });
    procs.push(first);
    const others = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        spawnAgent({
          dataDir: dirs.dir(i),
          addr: '127.0.0.1:0',
          bootstrap: [first.addr],
          keyHex: dirs.keyHex,
          replication: REPLICATION,
        }),
      ),
    );
    procs.push(...others);
    const allSeeAll = async () =>
      (await Promise.all(procs.map((p) => (p as AgentProcess).call({ cmd: 'members' })))).every(
        (r) => r.alive === 5,
      );
    expect(await waitUntil(allSeeAll, 30_000)).toBe(true);

    // Phase 1: 10 writes on each, distinct ids.
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 10; k++)
        await (procs[i] as AgentProcess).call({ cmd: 'write', id: i * 1000 + k, n: k });
    }
    expect(await waitUntil(converged, 30_000)).toBe(true);
    expect((await dumps())[0]?.ids.length).toBe(50);

    // Phase 2: every node streams writes; the victim is killed mid-stream.
    const victimIndex = 4;
    const victim = procs[victimIndex] as AgentProcess;
    const victimAddr = victim.addr;
    for (let i = 0; i < 5; i++) {
      void (procs[i] as AgentProcess)
        .call({ cmd: 'stream', from: 10_000 * (i + 1), count: 100, intervalMs: 10 }, 120_000)
        .catch(() => {});
    }
    expect(await waitUntil(() => victim.events.filter((e) => e.ev === 'ack').length >= 30, 30_000)).toBe(
      true,
    );
    victim.kill9();
    await waitUntil(() => victim.exited, 10_000);
    const ackedByVictim = victim.events.filter((e) => e.ev === 'ack').map((e) => e.id as number);
    expect(ackedByVictim.length).toBeGreaterThanOrEqual(30);
    expect(ackedByVictim.length).toBeLessThan(100);

    // The others keep writing while it is down; then it restarts on the same data and port.
    await waitUntil(
      () => (procs[0] as AgentProcess).events.filter((e) => e.ev === 'ack').length >= 100,
      30_000,
    );
    const restarted = await spawnAgent({
      dataDir: dirs.dir(victimIndex),
      addr: victimAddr,
      bootstrap: [first.addr],
      keyHex: dirs.keyHex,
      replication: REPLICATION,
    });
    procs[victimIndex] = restarted;
    expect(restarted.actor).toBe(victim.actor);

    const streamsDone = () =>
      procs.slice(0, 4).every((p) => (p as AgentProcess).events.filter((e) => e.ev === 'ack').length >= 100);
    expect(await waitUntil(streamsDone, 60_000)).toBe(true);
    expect(await waitUntil(converged, 60_000)).toBe(true);

    // Every acknowledged write is present everywhere, including those the victim acked before the kill.
    const acked = new Set<number>(ackedByVictim);
    for (const p of procs.slice(0, 4))
      for (const e of (p as AgentProcess).events) if (e.ev === 'ack') acked.add(e.id as number);
    for (const d of await dumps()) {
      const have = new Set(d.ids);
      const missing = [...acked].filter((id) => !have.has(id));
      expect(missing).toEqual([]);
    }
    const m = (await restarted.call({ cmd: 'metrics' })).metrics as { replication: Record<string, number> };
    expect(m.replication.syncPulled).toBeGreaterThan(0);

    await Promise.all(procs.map((p) => (p as AgentProcess).call({ cmd: 'close' }, 20_000).catch(() => {})));
  }, 180_000);
});
