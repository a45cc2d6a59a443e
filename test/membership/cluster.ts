import type { MembershipConfig, PresetName } from '../../src/membership/config.js';
import type { MemberChange } from '../../src/membership/core.js';
import { createMembership, type Membership } from '../../src/membership/membership.js';
import type { MemberState } from '../../src/membership/messaging.js';
import { deriveSeed, seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { MemoryNetwork, type MemoryNetworkOptions } from '../../src/transport/memory-network.js';

/** A test key (never use a fixed key outside tests). */
export const TEST_KEY = new Uint8Array(32).fill(7);

/** A cluster of memberships on one in-memory network in virtual time. */
export interface TestCluster {
  sched: VirtualScheduler;
  net: MemoryNetwork;
  nodes: Membership[];
  changes: { at: number; observer: string; change: MemberChange }[];
  add(overrides?: Partial<MembershipConfig> & { meta?: Record<string, string> }): Membership;
}

/** Builds `n` nodes; node 0 is the bootstrap of the others. */
export function makeCluster(
  n: number,
  opts: {
    seed?: number;
    preset?: PresetName;
    config?: Partial<MembershipConfig>;
    net?: MemoryNetworkOptions;
    plaintext?: boolean;
    /** Record change events in `changes` (default true; benchmarks turn it off). */
    record?: boolean;
  } = {},
): TestCluster {
  const seed = opts.seed ?? 1;
  const sched = new VirtualScheduler();
  const net = new MemoryNetwork(sched, seededRng(seed), opts.net);
  const c: TestCluster = {
    sched,
    net,
    nodes: [],
    changes: [],
    add(overrides = {}) {
      const i = c.nodes.length;
      const transport = net.bind(`10.0.0.${i + 1}:7946`);
      const m = createMembership({
        transport,
        runtime: { clock: sched.clock, rng: seededRng(deriveSeed(seed, i)), scheduler: sched },
        preset: opts.preset ?? 'lan',
        ...(opts.plaintext ? { plaintext: true } : { keys: [TEST_KEY] }),
        bootstrap: i === 0 ? [] : ['10.0.0.1:7946'],
        ...opts.config,
        ...overrides,
      });
      if (opts.record !== false) {
        m.on('change', (change) => c.changes.push({ at: sched.now(), observer: m.actorId, change }));
      }
      c.nodes.push(m);
      return m;
    },
  };
  for (let i = 0; i < n; i++) c.add();
  return c;
}

/** The state `observer` holds for `target`. */
export function stateOf(observer: Membership, target: Membership): MemberState | undefined {
  return observer.members().find((m) => m.actorId === target.actorId)?.state;
}

/** Whether every node in `nodes` sees every node in `nodes` as alive. */
export function allSeeAllAlive(nodes: readonly Membership[]): boolean {
  return nodes.every((a) => nodes.every((b) => stateOf(a, b) === 'alive'));
}
