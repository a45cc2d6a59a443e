import type { ExperimentProtocols } from '../experiments.js';
import type { SimProtocol } from '../protocol.js';

/**
 * The real protocols corro-sim can drive, by name, best first. Each entry loads its adapter
 * lazily so a membership-only run never loads the store.
 * - `agent`: the real Agent (store + membership + replication), writes replicated.
 * - `membership`: SWIM + Lifeguard (lan preset), membership only.
 * - `swim`: the same with Lifeguard off (fixed suspicion timeouts, no local health, no buddy).
 * - `membership-broadcast`: membership whose writes are user broadcasts (dissemination).
 */
export const PROTOCOLS: Readonly<Record<string, () => Promise<SimProtocol>>> = {
  agent: async () => (await import('./agent-adapter.js')).agentProtocol(),
  membership: async () => (await import('./membership-adapter.js')).membershipProtocol(),
  swim: async () => (await import('./membership-adapter.js')).membershipProtocol({ lifeguard: false }),
  'membership-broadcast': async () =>
    (await import('./membership-adapter.js')).membershipProtocol({ broadcastWrites: true }),
};

/** Names of the protocols available in this build, best first. */
export function protocolNames(): string[] {
  return Object.keys(PROTOCOLS);
}

/** The protocols the published-results experiments compare (membership, lan preset). */
export async function experimentProtocols(): Promise<ExperimentProtocols | undefined> {
  const { membershipProtocol } = await import('./membership-adapter.js');
  const { resolveConfig } = await import('../../membership/config.js');
  const c = resolveConfig('lan');
  return {
    lifeguard: membershipProtocol(),
    swim: membershipProtocol({ lifeguard: false }),
    broadcast: membershipProtocol({ broadcastWrites: true }),
    probeIntervalMs: c.probeIntervalMs,
    gossipIntervalMs: c.gossipIntervalMs,
    gossipFanout: c.gossipNodes,
  };
}
