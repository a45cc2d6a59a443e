import { Agent } from '../../src/agent/agent.js';
import type { ReplicationConfig } from '../../src/agent/replication-config.js';
import { deriveSeed, seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import type { ActorId } from '../../src/store/types.js';
import { MemoryChannelNetwork } from '../../src/transport/channel-memory.js';
import { MemoryNetwork } from '../../src/transport/memory-network.js';

export const SCHEMA = `CREATE TABLE kv (
  id INTEGER NOT NULL PRIMARY KEY,
  owner TEXT,
  n INTEGER,
  note TEXT
)`;

/** Agents on the in-memory network and in-memory channels, in virtual time. */
export function memoryCluster(n: number, seed: number, replication: Partial<ReplicationConfig> = {}) {
  const sched = new VirtualScheduler();
  const net = new MemoryNetwork(sched, seededRng(seed), { latencyMs: () => 5 });
  const down = new Set<string>();
  const chans = new MemoryChannelNetwork(sched, {
    latencyMs: () => 5,
    canReach: (a, b) => !down.has(a) && !down.has(b),
  });
  const agents: Agent[] = [];
  const first = '10.0.0.1:7000';
  for (let i = 0; i < n; i++) {
    const transport = net.bind(`10.0.0.${i + 1}:7000`);
    const runtime = { clock: sched.clock, rng: seededRng(deriveSeed(seed, i)), scheduler: sched };
    agents.push(
      Agent.create({
        transport,
        runtime,
        schema: SCHEMA,
        gossip: { plaintext: true, bootstrap: i === 0 ? [] : [first] },
        channels: (m) => chans.factory(m.actorId as ActorId),
        replication,
      }),
    );
  }
  const dump = (a: Agent) => JSON.stringify(a.query('SELECT * FROM kv ORDER BY id'));
  const identical = () => {
    const d = dump(agents[0] as Agent);
    return agents.every((a) => dump(a) === d);
  };
  const allSeeAll = () =>
    agents.every((a) => a.members().filter((m) => m.state === 'alive').length === agents.length);
  /** Drives virtual time until `p` settles (for async APIs such as close()). */
  const drive = async <T>(p: Promise<T>, maxMs = 60_000): Promise<T> => {
    let settled = false;
    const q = p.finally(() => {
      settled = true;
    });
    for (let t = 0; !settled && t < maxMs; t += 50) {
      sched.runFor(50);
      await new Promise((r) => setImmediate(r));
    }
    return q;
  };
  return { sched, net, chans, agents, dump, identical, allSeeAll, drive, down };
}
