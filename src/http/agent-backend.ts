import { join } from 'node:path';
import type { Agent } from '../agent/agent.js';
import { DB_FILE } from '../agent/agent-config.js';
import { agentMetricsText } from '../metrics/agent-metrics-text.js';
import type { ActorId } from '../store/types.js';
import type { SubscriptionManager } from '../subscriptions/manager.js';
import type { ApiMember } from './backend.js';
import { type ClusterView, StoreBackend } from './store-backend.js';

/** The cluster as an agent sees it: members with RTTs, alive count, lag, queue, metrics. */
export function agentClusterView(agent: Agent): ClusterView {
  return {
    members: (): ApiMember[] =>
      agent.members().map((m) => {
        const rtt = m.actorId === agent.actorId ? undefined : agent.membership.rttMs(m.actorId as ActorId);
        return {
          id: m.actorId,
          addr: m.addr,
          state: m.state,
          incarnation: m.incarnation,
          meta: m.meta,
          ...(rtt !== undefined ? { rttMs: Math.round(rtt * 1000) / 1000 } : {}),
        };
      }),
    health: () => {
      const m = agent.metrics();
      return {
        members: agent.members().filter((x) => x.state === 'alive').length,
        p99LagSec: m.lag.p99Ms / 1000,
        // Changesets received but not applicable yet. Queued gossip is left out: with no peer
        // to send to it never drains, which would make a lone node look unhealthy.
        queueSize: m.store.pendingChangesets ?? 0,
      };
    },
    metrics: async () => agentMetricsText(agent.metrics()),
  };
}

/** The HTTP API backend of an agent: its store, its cluster view, and a subscription manager over it. */
export function agentBackend(
  agent: Agent,
  dataDir: string,
  subscriptions: SubscriptionManager,
): StoreBackend {
  return new StoreBackend({
    store: agent.store,
    dbFile: join(dataDir, DB_FILE),
    subscriptions,
    cluster: agentClusterView(agent),
  });
}
