import { Replication } from '../../../src/agent/replication.js';
import type { ReplicationConfig } from '../../../src/agent/replication-config.js';
import { deriveSeed, seededRng } from '../../../src/runtime/rng.js';
import { VirtualScheduler } from '../../../src/runtime/virtual-scheduler.js';
import type { ActorId } from '../../../src/store/types.js';
import { MemoryChannelNetwork } from '../../../src/transport/channel-memory.js';
import { FakeMessagingNet } from './fake-messaging.js';
import { FakeStore } from './fake-store.js';

/** One node of a fake cluster. */
export interface FakeNode {
  id: ActorId;
  store: FakeStore;
  repl: Replication;
}

/** N replication nodes over fake messaging and in-memory channels, in virtual time. */
export function fakeCluster(
  n: number,
  seed: number,
  config: Partial<ReplicationConfig> = {},
  changeBytes = 32,
) {
  const sched = new VirtualScheduler();
  const net = new FakeMessagingNet(sched, seededRng(seed));
  const chans = new MemoryChannelNetwork(sched, {
    latencyMs: () => 5,
    canReach: (a, b) => net.canReach(a, b),
  });
  const nodes: FakeNode[] = [];
  for (let i = 0; i < n; i++) {
    const id = (i + 1).toString(16).padStart(32, '0') as ActorId;
    const messaging = net.add(id);
    const store = new FakeStore(id, () => sched.now(), changeBytes);
    const runtime = { clock: sched.clock, rng: seededRng(deriveSeed(seed, i)), scheduler: sched };
    const repl = new Replication({ messaging, store, runtime, channels: chans.factory(id), config }).start();
    nodes.push({ id, store, repl });
  }
  const converged = () => {
    const first = nodes[0]?.store.contents().join(',');
    return nodes.every((x) => x.store.contents().join(',') === first);
  };
  return { sched, net, chans, nodes, converged };
}
