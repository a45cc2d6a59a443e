import { createHash } from 'node:crypto';
import { Agent } from '../../agent/agent.js';
import type { ReplicationConfig } from '../../agent/replication-config.js';
import type { PresetName } from '../../membership/config.js';
import type { ActorId } from '../../store/types.js';
import { MemoryChannelNetwork } from '../../transport/channel-memory.js';
import type { SimMemberState, SimNode, SimNodeContext, SimProtocol, SimWorld } from '../protocol.js';

/** The table every simulated agent replicates: one row per simulated write. */
export const SIM_SCHEMA = 'CREATE TABLE sim_writes (id TEXT NOT NULL PRIMARY KEY, writer TEXT, payload TEXT)';

/** Options of the agent adapter. */
export interface AgentAdapterOptions {
  /** Membership timing preset. Default `lan`. */
  readonly preset?: PresetName;
  /** Replication config overrides. */
  readonly replication?: Partial<ReplicationConfig>;
  /** Bytes of filler in each written row (to model larger changesets). Default 32. */
  readonly payloadBytes?: number;
  /**
   * Called with each started agent, for instrumentation and for tests that plant a bug in
   * one node (the simulator itself never uses it).
   */
  readonly onAgent?: (
    agent: Agent,
    ctx: SimNodeContext,
    writeIdOf: (actor: string, version: number) => string | undefined,
  ) => void;
}

/** Per-run state shared by every node of the run (kept in `world.shared`). */
interface RunState {
  readonly channels: MemoryChannelNetwork;
  /** actor id -> gossip address (for channel latency and reachability). */
  readonly addrOf: Map<string, string>;
  /** `actor:version` of a write's changeset -> write id, to recognise it when applied remotely. */
  readonly writeOf: Map<string, string>;
}

function runState(world: SimWorld): RunState {
  let st = world.shared.get('agent') as RunState | undefined;
  if (!st) {
    const addrOf = new Map<string, string>();
    const addr = (a: string) => addrOf.get(a) ?? '';
    st = {
      addrOf,
      writeOf: new Map(),
      // Reliable channels ride the same matrix, partitions and crashes as the datagrams.
      channels: new MemoryChannelNetwork(world.scheduler, {
        latencyMs: (a, b) => world.latencyMs(addr(a), addr(b)),
        canReach: (a, b) => world.reachable(addr(a), addr(b)),
      }),
    };
    world.shared.set('agent', st);
  }
  return st;
}

interface Persisted {
  readonly actorId: string;
  readonly db: Buffer;
}

const STATE: Record<string, SimMemberState | undefined> = {
  up: 'alive',
  suspect: 'suspect',
  down: 'dead',
  left: 'left',
};

/**
 * Drives the real {@link Agent} (store, membership, replication) through `Agent.create` on the
 * simulated transport and runtime, with in-memory reliable channels on the simulated world.
 * A write inserts one row; it is acknowledged when `exec` returns its changeset (committed
 * locally). A crash keeps the SQLite file (`store.serialize()`); the restart reopens it.
 */
export function agentProtocol(opts: AgentAdapterOptions = {}): SimProtocol {
  const filler = 'x'.repeat(opts.payloadBytes ?? 32);
  // The store's default bound on pending changesets (StoreOptions.maxPendingChangesets).
  const maxPending = 10_000;
  return {
    name: 'agent',
    replicates: true,
    start(ctx: SimNodeContext): SimNode {
      const st = runState(ctx.world);
      const persisted = ctx.persisted as Persisted | undefined;
      const agent = Agent.create({
        transport: ctx.transport,
        runtime: ctx.runtime,
        schema: SIM_SCHEMA,
        ...(persisted ? { serialized: persisted.db, actorId: persisted.actorId } : {}),
        gossip: {
          plaintext: true,
          bootstrap: ctx.bootstrap,
          preset: opts.preset ?? 'lan',
          meta: { region: ctx.region },
        },
        channels: (m) => st.channels.factory(m.actorId as ActorId),
        ...(opts.replication ? { replication: opts.replication } : {}),
      });
      st.addrOf.set(agent.actorId, ctx.addr);
      opts.onAgent?.(agent, ctx, (actor, version) => st.writeOf.get(`${actor}:${version}`));
      agent.on('member', (c) => {
        const s = STATE[c.kind];
        if (s && c.member.addr !== ctx.addr) ctx.report.member(c.member.addr, s);
      });
      agent.on('commit', (e) => {
        if (e.source !== 'remote') return;
        for (const cs of e.changesets) {
          const id = st.writeOf.get(`${cs.actor}:${cs.version}`);
          if (id !== undefined) ctx.report.held(id);
        }
      });
      // Rows restored from the SQLite file are held again from the restart on.
      if (persisted)
        for (const r of agent.query<{ id: string }>('SELECT id FROM sim_writes')) ctx.report.held(r.id);
      let closed = false;
      return {
        async stop(graceful) {
          if (closed) return;
          closed = true;
          // A crash leaves the agent as it is (its timers and packets are already cut).
          if (graceful) await agent.close();
        },
        view() {
          const out = new Map<string, SimMemberState>();
          for (const info of agent.members())
            if (out.get(info.addr) !== 'alive') out.set(info.addr, info.state);
          return out;
        },
        write(id) {
          const cs = agent.exec('INSERT INTO sim_writes (id, writer, payload) VALUES (?, ?, ?)', [
            id,
            ctx.addr,
            filler,
          ]);
          if (!cs) return false;
          st.writeOf.set(`${cs.actor}:${cs.version}`, id);
          return true;
        },
        heldWrites: () => agent.query<{ id: string }>('SELECT id FROM sim_writes').map((r) => r.id),
        digest() {
          const rows = agent.query('SELECT id, writer, payload FROM sim_writes ORDER BY id');
          return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
        },
        persist: (): Persisted => ({ actorId: agent.actorId, db: agent.store.serialize() }),
        // Read the two sizes directly: agent.metrics() also computes lag quantiles, and the
        // sampler asks every live node at every sample.
        queues: () => [
          {
            name: 'membership.broadcasts',
            size: agent.membership.queuedBroadcasts,
            bound: agent.membership.config.maxQueuedBroadcasts,
          },
          { name: 'store.pending', size: agent.store.stats().pendingChangesets, bound: maxPending },
        ],
        counters: () => {
          const m = agent.metrics();
          return { ...m.replication, channels: m.channels };
        },
      };
    },
  };
}
