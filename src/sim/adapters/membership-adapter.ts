import type { MembershipConfig, PresetName } from '../../membership/config.js';
import { LIFEGUARD_OFF } from '../../membership/config.js';
import type { Membership } from '../../membership/membership.js';
import { createMembership } from '../../membership/membership.js';
import type { ActorId } from '../../store/types.js';
import type { SimMemberState, SimNode, SimNodeContext, SimProtocol } from '../protocol.js';

/** Options of the membership adapter. */
export interface MembershipAdapterOptions {
  /** Timing preset. Default `lan` (memberlist's LAN defaults). */
  readonly preset?: PresetName;
  /** Lifeguard on (default) or off (plain SWIM with fixed suspicion timeouts). */
  readonly lifeguard?: boolean;
  /**
   * When true, a simulated write is a user broadcast through membership's transmit-limited
   * gossip queue and "held" means delivered, which measures dissemination. Default false.
   */
  readonly broadcastWrites?: boolean;
  /** Config overrides on top of the preset. */
  readonly config?: Partial<MembershipConfig>;
}

interface Persisted {
  readonly actorId: ActorId;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Drives the real membership (SWIM + Lifeguard core behind `createMembership`) on the
 * simulated transport and runtime. Packets are plaintext: sealing costs CPU and changes no
 * protocol behaviour the simulator measures. A restart keeps the actor id (as the agent
 * does, from its store) so the node must refute its own death with a higher incarnation.
 */
export function membershipProtocol(opts: MembershipAdapterOptions = {}): SimProtocol {
  const lifeguard = opts.lifeguard ?? true;
  const name = `${lifeguard ? 'membership' : 'swim'}${opts.broadcastWrites ? '-broadcast' : ''}`;
  return {
    name,
    replicates: opts.broadcastWrites ?? false,
    start(ctx: SimNodeContext): SimNode {
      const persisted = ctx.persisted as Persisted | undefined;
      const m: Membership = createMembership({
        transport: ctx.transport,
        runtime: ctx.runtime,
        plaintext: true,
        preset: opts.preset ?? 'lan',
        bootstrap: ctx.bootstrap,
        meta: { region: ctx.region },
        ...(persisted ? { actorId: persisted.actorId } : {}),
        ...(lifeguard ? {} : LIFEGUARD_OFF),
        ...opts.config,
      });
      const held = new Set<string>();
      m.on('change', (c) => {
        if (c.member.addr === ctx.addr) return;
        const state: SimMemberState | undefined =
          c.kind === 'up'
            ? 'alive'
            : c.kind === 'suspect'
              ? 'suspect'
              : c.kind === 'down'
                ? 'dead'
                : c.kind === 'left'
                  ? 'left'
                  : undefined;
        if (state) ctx.report.member(c.member.addr, state);
      });
      if (opts.broadcastWrites) {
        m.onMessage((_from, payload) => {
          const id = dec.decode(payload);
          if (held.has(id)) return;
          held.add(id);
          ctx.report.held(id);
        });
      }
      const node: SimNode = {
        async stop(graceful) {
          if (graceful) await m.leave();
          await m.close();
        },
        view() {
          const out = new Map<string, SimMemberState>();
          for (const info of m.members()) {
            const s: SimMemberState = info.state;
            // A restarted node may appear twice (old identity dead, new alive): alive wins.
            if (out.get(info.addr) !== 'alive') out.set(info.addr, s);
          }
          return out;
        },
        persist: (): Persisted => ({ actorId: m.actorId }),
        queues: () => [
          {
            name: 'membership.broadcasts',
            size: m.queuedBroadcasts,
            bound: m.config.maxQueuedBroadcasts ?? Number.POSITIVE_INFINITY,
          },
        ],
        counters: () => {
          const x = m.metrics;
          return {
            probes: x.probes,
            probeFailures: x.probeFailures,
            indirectProbes: x.indirectProbes,
            refutations: x.refutations,
            digestFullFallbacks: x.digestFullFallbacks,
            droppedDecode: x.droppedDecode,
            droppedInvalid: x.droppedInvalid,
            relaysDropped: x.relaysDropped,
            broadcastsRefused: x.broadcastsRefused,
          };
        },
      };
      if (opts.broadcastWrites) {
        node.write = (id) => {
          held.add(id);
          return m.broadcast(enc.encode(id));
        };
        node.heldWrites = () => held;
      }
      return node;
    },
  };
}
