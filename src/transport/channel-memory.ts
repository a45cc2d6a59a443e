import type { Scheduler } from '../runtime/scheduler.js';
import type { ActorId } from '../store/types.js';
import type { Channel, ChannelFactory } from './channel.js';

/** Options of {@link MemoryChannelNetwork}. */
export interface MemoryChannelNetworkOptions {
  /** One-way delay from `from` to `to`, in ms. Default: 1 ms. */
  latencyMs?: (from: ActorId, to: ActorId) => number;
  /**
   * Whether `from` can reach `to` now (partitions, crashed nodes). Default: always.
   * A send across an unreachable pair closes the channel at both ends, like a broken
   * SCTP association.
   */
  canReach?: (from: ActorId, to: ActorId) => boolean;
  /** How long a failed `open` takes to report failure, in ms. Default: 5000 ms. */
  connectTimeoutMs?: number;
  /** Largest message, in bytes. Default: 16 MiB. */
  maxMessageBytes?: number;
}

/**
 * Reliable ordered channels between actors in virtual time, for tests and corro-sim
 * (`scheduler` is typically a `VirtualScheduler`).
 * Delivery order per direction is preserved even when the latency function varies.
 */
export class MemoryChannelNetwork {
  private readonly factories = new Map<ActorId, MemoryChannelFactory>();
  private readonly latencyMs: (from: ActorId, to: ActorId) => number;
  private readonly canReach: (from: ActorId, to: ActorId) => boolean;
  readonly connectTimeoutMs: number;
  readonly maxMessageBytes: number;
  /** Channels opened (both ends count as one), for tests and traffic figures. */
  channelsOpened = 0;
  /** Messages and bytes delivered, for traffic figures. */
  messages = 0;
  bytes = 0;

  constructor(
    readonly scheduler: Scheduler & { now(): number },
    options: MemoryChannelNetworkOptions = {},
  ) {
    this.latencyMs = options.latencyMs ?? (() => 1);
    this.canReach = options.canReach ?? (() => true);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
  }

  /** The channel factory of `actor` (created on first call; a closed one is replaced). */
  factory(actor: ActorId): ChannelFactory {
    let f = this.factories.get(actor);
    if (!f || f.closed) {
      f = new MemoryChannelFactory(this, actor);
      this.factories.set(actor, f);
    }
    return f;
  }

  /** @internal */
  lookup(actor: ActorId): MemoryChannelFactory | undefined {
    const f = this.factories.get(actor);
    return f && !f.closed ? f : undefined;
  }

  /** @internal */
  latency(from: ActorId, to: ActorId): number {
    return Math.max(0, this.latencyMs(from, to));
  }

  /** @internal */
  reachable(from: ActorId, to: ActorId): boolean {
    return this.canReach(from, to) && this.canReach(to, from);
  }
}

class MemoryChannelFactory implements ChannelFactory {
  closed = false;
  private incoming: (ch: Channel) => void = (ch) => ch.close();
  private readonly open_ = new Set<MemoryChannel>();

  constructor(
    private readonly net: MemoryChannelNetwork,
    readonly actor: ActorId,
  ) {}

  open(peer: ActorId, done: (channel: Channel | undefined) => void): void {
    const net = this.net;
    const fail = () => net.scheduler.after(net.connectTimeoutMs, () => done(undefined));
    if (this.closed || peer === this.actor) {
      fail();
      return;
    }
    const rtt = net.latency(this.actor, peer) + net.latency(peer, this.actor);
    net.scheduler.after(rtt, () => {
      const remote = net.lookup(peer);
      if (this.closed || !remote || !net.reachable(this.actor, peer)) {
        net.scheduler.after(Math.max(0, net.connectTimeoutMs - rtt), () => done(undefined));
        return;
      }
      net.channelsOpened++;
      const a = new MemoryChannel(net, this.actor, peer);
      const b = new MemoryChannel(net, peer, this.actor);
      a.other = b;
      b.other = a;
      this.track(a);
      remote.track(b);
      remote.incoming(b);
      done(a);
    });
  }

  onIncoming(handler: (channel: Channel) => void): void {
    this.incoming = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const ch of [...this.open_]) ch.close();
  }

  track(ch: MemoryChannel): void {
    this.open_.add(ch);
    ch.onCloseInternal = () => this.open_.delete(ch);
  }
}

class MemoryChannel implements Channel {
  other: MemoryChannel | undefined;
  onCloseInternal: () => void = () => {};
  private open_ = true;
  private handler: (m: Uint8Array) => void = () => {};
  private closeHandler: () => void = () => {};
  private lastDeliveryAt = 0;
  readonly maxMessageBytes: number;

  constructor(
    private readonly net: MemoryChannelNetwork,
    readonly local: ActorId,
    readonly peer: ActorId,
  ) {
    this.maxMessageBytes = net.maxMessageBytes;
  }

  get isOpen(): boolean {
    return this.open_;
  }

  send(message: Uint8Array): boolean {
    if (!this.open_ || message.length > this.maxMessageBytes) return false;
    const other = this.other;
    if (!other || !this.net.reachable(this.local, this.peer)) {
      this.close();
      return false;
    }
    const copy = message.slice();
    const sched = this.net.scheduler;
    // Keep per-direction order: never deliver before the previous message.
    const clock = sched.now();
    const at = Math.max(clock + this.net.latency(this.local, this.peer), this.lastDeliveryAt);
    this.lastDeliveryAt = at;
    sched.after(at - clock, () => {
      if (!other.open_) return;
      this.net.messages++;
      this.net.bytes += copy.length;
      other.handler(copy);
    });
    return true;
  }

  onMessage(handler: (message: Uint8Array) => void): void {
    this.handler = handler;
  }

  onClose(handler: () => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    if (!this.open_) return;
    this.open_ = false;
    this.onCloseInternal();
    this.closeHandler();
    const other = this.other;
    if (other?.open_) this.net.scheduler.after(this.net.latency(this.local, this.peer), () => other.close());
  }
}
