import { realRuntime } from '../runtime/real-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ActorId } from '../store/types.js';
import { parseAddr } from '../transport/address.js';
import { Keyring } from '../transport/keyring.js';
import { Sealer } from '../transport/seal.js';
import type { Transport } from '../transport/transport.js';
import { UdpTransport } from '../transport/udp-transport.js';
import { MAX_CLUSTER_NAME_BYTES } from '../transport/wire-codec.js';
import { isActorId, newActorId } from './actor-id.js';
import { type MembershipConfig, type PresetName, resolveConfig } from './config.js';
import { MembershipCore } from './core.js';
import type { CoreNotification, MemberChange } from './core-types.js';
import { MembershipUsageError } from './errors.js';
import { type Meta, validMeta } from './messages.js';
import type { MemberInfo, MembershipMessaging } from './messaging.js';
import type { MembershipMetrics } from './metrics.js';
import type { MembershipTimer } from './timers.js';

/** Identity and security options shared by {@link createMembership} and {@link Membership.start}. */
export interface MembershipIdentityOptions extends Partial<MembershipConfig> {
  /** This node's actor id; a random one (from the runtime's Rng) when omitted. */
  actorId?: ActorId;
  /** Addresses (`host:port`) of members to join through; retried with backoff while alone. */
  bootstrap?: readonly string[];
  /** Cluster name, authenticated in every packet; packets of other clusters are dropped. Default `corro`. */
  clusterName?: string;
  /** AES-256 keys (32 bytes each), the first is primary; or a {@link Keyring}. Required unless `plaintext`. */
  keys?: readonly Uint8Array[] | Keyring;
  /** Send and accept unsealed packets. Only for trusted networks and simulation. Default false. */
  plaintext?: boolean;
  /** Timing preset the other config fields override. Default `lan`. */
  preset?: PresetName;
  /** Small gossiped metadata, e.g. `{ region: 'ams' }`; at most `maxMetaBytes`. */
  meta?: Record<string, string>;
  /** Nonce source for sealing (tests); defaults to node:crypto. */
  nonce?: (n: number) => Uint8Array;
  /**
   * The address announced to other members, when it differs from the bound one (binding
   * `0.0.0.0:7946` behind NAT or in a container). Default: the transport's `localAddr`.
   */
  advertiseAddr?: string;
}

/** Options of {@link createMembership}: a transport and a runtime to bind the core to. */
export interface CreateMembershipOptions extends MembershipIdentityOptions {
  transport: Transport;
  runtime: Runtime;
}

/** Options of {@link Membership.start}: a UDP address to bind. */
export interface StartMembershipOptions extends MembershipIdentityOptions {
  /** Address to bind, `host:port`; port 0 picks a free port (see `localAddr`). */
  addr: string;
  /** Runtime; the real one by default. */
  runtime?: Runtime;
}

/** Listener of member transitions. */
export type ChangeListener = (change: MemberChange) => void;

/**
 * A running member of a cluster: the SWIM + Lifeguard core bound to one transport and runtime.
 * Implements {@link MembershipMessaging} for the replication layer.
 */
export class Membership implements MembershipMessaging {
  readonly actorId: ActorId;
  readonly maxPayloadBytes: number;
  /** The keyring, for rotation (`install`, `use`, `remove`); undefined in plaintext mode. */
  readonly keyring: Keyring | undefined;
  /** The resolved configuration. */
  readonly config: MembershipConfig;
  private readonly core: MembershipCore;
  private readonly listeners: ChangeListener[] = [];
  private messageHandler: ((from: ActorId, payload: Uint8Array) => void) | undefined;
  private leaveResolvers: (() => void)[] = [];
  private leaveDone = false;
  private closed = false;

  /** Use {@link createMembership} or {@link Membership.start}. */
  constructor(
    private readonly transport: Transport,
    private readonly runtime: Runtime,
    opts: MembershipIdentityOptions,
  ) {
    const {
      actorId,
      bootstrap,
      clusterName,
      keys,
      plaintext,
      preset,
      meta,
      nonce,
      advertiseAddr,
      ...overrides
    } = opts;
    if (advertiseAddr !== undefined && !parseAddr(advertiseAddr)) {
      throw new MembershipUsageError(`advertiseAddr "${advertiseAddr}" must be host:port or [v6]:port`);
    }
    this.config = resolveConfig(preset, overrides);
    if (actorId !== undefined && !isActorId(actorId)) {
      throw new MembershipUsageError(`actorId must be 32 lowercase hex characters; got "${actorId}"`);
    }
    const cluster = clusterName ?? 'corro';
    if (Buffer.byteLength(cluster) > MAX_CLUSTER_NAME_BYTES || cluster.length === 0) {
      throw new MembershipUsageError(`clusterName must be 1..${MAX_CLUSTER_NAME_BYTES} bytes`);
    }
    if (!plaintext && (keys === undefined || (Array.isArray(keys) && keys.length === 0))) {
      throw new MembershipUsageError(
        'pass keys: [32-byte key] to seal packets, or plaintext: true for a trusted network',
      );
    }
    this.keyring = plaintext
      ? undefined
      : keys instanceof Keyring
        ? keys
        : Keyring.from(keys as Uint8Array[]);
    this.actorId = actorId ?? newActorId(runtime.rng);
    const m = this.checkMeta(meta ?? {});
    const sealer = new Sealer(cluster, this.keyring, nonce);
    this.core = new MembershipCore(
      {
        config: this.config,
        actorId: this.actorId,
        addr: advertiseAddr ?? transport.localAddr,
        clusterName: cluster,
        meta: m,
        bootstrap: bootstrap ?? [],
        sealer,
        clock: runtime.clock,
        rng: runtime.rng,
      },
      {
        send: (to, packet) => this.transport.send(to, packet),
        schedule: (timer, delayMs) => this.schedule(timer, delayMs),
        notify: (n) => this.onNotify(n),
      },
    );
    this.maxPayloadBytes = this.core.maxPayloadBytes;
    transport.onPacket((from, packet) => this.core.handlePacket(from, packet));
    this.core.start();
  }

  /**
   * Binds a UDP socket at `opts.addr` with the real runtime (unless one is given) and starts.
   * Resolves once bound; joining continues in the background.
   */
  static async start(opts: StartMembershipOptions): Promise<Membership> {
    const { addr, runtime, ...rest } = opts;
    const transport = await UdpTransport.bind(addr);
    try {
      return new Membership(transport, runtime ?? realRuntime(), rest);
    } catch (err) {
      await transport.close();
      throw err;
    }
  }

  /** The address other members reach this node at. */
  get localAddr(): string {
    return this.transport.localAddr;
  }

  /** This node's incarnation. */
  get incarnation(): number {
    return this.core.incarnation;
  }

  /** Broadcasts waiting in the transmit queue (cheap, unlike {@link metrics}, which counts live members). */
  get queuedBroadcasts(): number {
    return this.core.queuedBroadcasts;
  }

  /** Counters and gauges, as plain numbers (a fresh snapshot per read). */
  get metrics(): MembershipMetrics {
    return {
      ...this.core.counters,
      awarenessScore: this.core.awareness.score,
      liveMembers: this.core.table.liveCount(),
      incarnation: this.core.incarnation,
      queuedBroadcasts: this.core.queuedBroadcasts,
    };
  }

  /** Registers a listener of member transitions (up, suspect, down, left, updated). */
  on(event: 'change', listener: ChangeListener): this {
    if (event !== 'change') throw new MembershipUsageError(`unknown event "${String(event)}": use "change"`);
    this.listeners.push(listener);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off(event: 'change', listener: ChangeListener): this {
    const i = this.listeners.indexOf(listener);
    if (event === 'change' && i >= 0) this.listeners.splice(i, 1);
    return this;
  }

  members(): MemberInfo[] {
    return this.core.members();
  }

  rttMs(actorId: ActorId): number | undefined {
    return this.core.rttMs(actorId);
  }

  broadcast(payload: Uint8Array, key?: string): boolean {
    return this.closed ? false : this.core.broadcast(payload, key);
  }

  /** Sends `payload` to one member at once; suspect members are still considered reachable. */
  sendTo(actorId: ActorId, payload: Uint8Array): boolean {
    return this.closed ? false : this.core.sendTo(actorId, payload);
  }

  onMessage(handler: (from: ActorId, payload: Uint8Array) => void): void {
    this.messageHandler = handler;
  }

  /** Replaces this node's metadata and gossips it (with a new incarnation). Throws when too large. */
  setMeta(meta: Record<string, string>): void {
    if (this.closed) throw new MembershipUsageError('setMeta after close(): start a new Membership');
    this.core.setMeta(this.checkMeta(meta));
  }

  /** Leaves gracefully: gossips the departure and resolves after `leaveWaitMs`. Then call close(). */
  leave(): Promise<void> {
    if (this.closed || this.leaveDone) return Promise.resolve();
    return new Promise((resolve) => {
      this.leaveResolvers.push(resolve);
      this.core.leave();
    });
  }

  /** Stops the node and closes the transport; idempotent. Does not announce anything (see leave). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.core.stop();
    this.flushLeave();
    await this.transport.close();
  }

  private checkMeta(meta: Record<string, string>): Meta {
    const m = validMeta(meta, this.config.maxMetaBytes);
    if (!m) {
      throw new MembershipUsageError(
        `meta must be a string map of at most 32 keys and ${this.config.maxMetaBytes} bytes (maxMetaBytes)`,
      );
    }
    return m;
  }

  private schedule(timer: MembershipTimer, delayMs: number): void {
    this.runtime.scheduler.after(delayMs, () => this.core.handleTimer(timer));
  }

  private onNotify(n: CoreNotification): void {
    switch (n.type) {
      case 'change':
        for (const l of [...this.listeners]) guard(() => l(n.change));
        return;
      case 'message':
        if (this.messageHandler) {
          const h = this.messageHandler;
          guard(() => h(n.from, n.payload));
        }
        return;
      case 'leave-done':
        this.leaveDone = true;
        this.flushLeave();
        return;
    }
  }

  private flushLeave(): void {
    const rs = this.leaveResolvers;
    this.leaveResolvers = [];
    for (const r of rs) r();
  }
}

// A throwing listener is a bug in the caller; it must not abort the core half-way through a
// packet, so the error is rethrown on its own task where it surfaces as uncaught.
function guard(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

/**
 * Binds the membership core to any transport and runtime: the in-memory network with a
 * VirtualScheduler in tests and corro-sim, or UDP with the real runtime. Starts at once.
 *
 * @example
 * ```ts
 * const sched = new VirtualScheduler();
 * const net = new MemoryNetwork(sched, seededRng(1), { latencyMs: () => 5 });
 * const runtime = (i: number) => ({ clock: sched.clock, rng: seededRng(deriveSeed(1, i)), scheduler: sched });
 * const a = createMembership({ transport: net.bind('10.0.0.1:7946'), runtime: runtime(0), plaintext: true });
 * const b = createMembership({
 *   transport: net.bind('10.0.0.2:7946'), runtime: runtime(1), plaintext: true, bootstrap: ['10.0.0.1:7946'],
 * });
 * sched.runFor(5_000); // a and b now list each other as alive
 * ```
 */
export function createMembership(opts: CreateMembershipOptions): Membership {
  const { transport, runtime, ...rest } = opts;
  return new Membership(transport, runtime, rest);
}
