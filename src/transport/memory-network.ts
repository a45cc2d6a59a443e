import type { Rng } from '../runtime/rng.js';
import type { VirtualScheduler } from '../runtime/virtual-scheduler.js';
import type { Transport } from './transport.js';

/**
 * An in-memory datagram network in virtual time, for tests and corro-sim. Every delivery is an
 * event on the shared {@link VirtualScheduler} and every random choice (loss, jitter,
 * duplication, reordering) comes from the seeded `rng`, so a run is a pure function of its seed.
 */

/** Link behaviour; every field can be changed at run time through {@link MemoryNetwork.conditions}. */
export interface LinkConditions {
  /** One-way latency in ms for a packet from `from` to `to`. Default: 1 ms everywhere. */
  latencyMs: (from: string, to: string) => number;
  /** Uniform extra delay in [0, jitterMs) ms per packet. Default 0. */
  jitterMs: number;
  /** Probability in [0, 1] that a packet is lost. Default 0. */
  lossRate: number;
  /** Probability in [0, 1] that a packet is delivered twice (the copy gets its own delay). Default 0. */
  duplicateRate: number;
  /** Probability in [0, 1] that a packet is held back by `reorderDelayMs` extra, overtaking order. Default 0. */
  reorderRate: number;
  /** Extra delay of a reordered packet, ms. Default 50. */
  reorderDelayMs: number;
}

/** Per-address packet and byte counters. Plain numbers, updated in place. */
export interface AddrCounters {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  /** Packets from or to this address dropped by loss, partition, a dropped node or a full pause queue. */
  packetsDropped: number;
}

/** Options of {@link MemoryNetwork}. */
export interface MemoryNetworkOptions extends Partial<LinkConditions> {
  /** Largest packet delivered, in bytes; larger ones are dropped (like an IP MTU). Default 65507. */
  maxPacketBytes?: number;
  /** Bound on packets held for a paused node; beyond it they are dropped. Default 1024. */
  maxPausedPackets?: number;
}

interface Endpoint {
  transport: MemoryTransport;
  handler: ((from: string, packet: Uint8Array) => void) | undefined;
  paused: { from: string; packet: Uint8Array }[] | undefined;
}

/** The network: create transports with {@link MemoryNetwork.bind}. */
export class MemoryNetwork {
  /** Current link conditions (mutable). */
  readonly conditions: LinkConditions;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly blocked = new Set<string>();
  private readonly droppedNodes = new Set<string>();
  private readonly counters = new Map<string, AddrCounters>();
  private readonly maxPacketBytes: number;
  private readonly maxPausedPackets: number;
  private nextPort = 10000;
  /** Packets delivered in total. */
  delivered = 0;

  constructor(
    readonly scheduler: VirtualScheduler,
    private readonly rng: Rng,
    options: MemoryNetworkOptions = {},
  ) {
    this.conditions = {
      latencyMs: options.latencyMs ?? (() => 1),
      jitterMs: options.jitterMs ?? 0,
      lossRate: options.lossRate ?? 0,
      duplicateRate: options.duplicateRate ?? 0,
      reorderRate: options.reorderRate ?? 0,
      reorderDelayMs: options.reorderDelayMs ?? 50,
    };
    this.maxPacketBytes = options.maxPacketBytes ?? 65507;
    this.maxPausedPackets = options.maxPausedPackets ?? 1024;
  }

  /**
   * Binds a transport at `addr` (`host:port`; port 0 or no address picks a free one).
   * Throws {@link AddressInUseError} when the address is taken.
   */
  bind(addr = '10.0.0.1:0'): MemoryTransport {
    let a = addr;
    if (a.endsWith(':0')) {
      const host = a.slice(0, -2);
      do a = `${host}:${this.nextPort++}`;
      while (this.endpoints.has(a));
    }
    if (this.endpoints.has(a))
      throw new AddressInUseError(`address ${a} is already bound; close it or pick another`);
    const t = new MemoryTransport(this, a);
    this.endpoints.set(a, { transport: t, handler: undefined, paused: undefined });
    return t;
  }

  /** Counters of one address (created on first use). */
  stats(addr: string): AddrCounters {
    let c = this.counters.get(addr);
    if (!c) {
      c = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, packetsDropped: 0 };
      this.counters.set(addr, c);
    }
    return c;
  }

  /** Blocks traffic between every member of `a` and every member of `b`; `oneWay` blocks a -> b only. */
  partition(a: readonly string[], b: readonly string[], oneWay = false): void {
    for (const x of a)
      for (const y of b) {
        this.blocked.add(`${x}>${y}`);
        if (!oneWay) this.blocked.add(`${y}>${x}`);
      }
  }

  /** Removes every partition. */
  heal(): void {
    this.blocked.clear();
  }

  /** Holds packets to `addr` until {@link resume} (a stalled process); its own sends still go out. */
  pause(addr: string): void {
    const e = this.endpoints.get(addr);
    if (e && !e.paused) e.paused = [];
  }

  /** Delivers the packets held for `addr` and resumes normal delivery. */
  resume(addr: string): void {
    const e = this.endpoints.get(addr);
    if (!e?.paused) return;
    const held = e.paused;
    e.paused = undefined;
    for (const p of held) this.deliver(p.from, addr, p.packet);
  }

  /** Drops every packet to and from `addr` (a crashed host or pulled cable) until {@link undrop}. */
  drop(addr: string): void {
    this.droppedNodes.add(addr);
  }

  /** Undoes {@link drop}. */
  undrop(addr: string): void {
    this.droppedNodes.delete(addr);
  }

  /** @internal Called by MemoryTransport. */
  setHandler(addr: string, handler: (from: string, packet: Uint8Array) => void): void {
    const e = this.endpoints.get(addr);
    if (e) e.handler = handler;
  }

  /** @internal Called by MemoryTransport. */
  unbind(addr: string): void {
    this.endpoints.delete(addr);
  }

  /** @internal Called by MemoryTransport. */
  send(from: string, to: string, packet: Uint8Array): void {
    const s = this.stats(from);
    s.packetsSent++;
    s.bytesSent += packet.length;
    const c = this.conditions;
    if (
      packet.length > this.maxPacketBytes ||
      this.droppedNodes.has(from) ||
      this.blocked.has(`${from}>${to}`) ||
      (c.lossRate > 0 && this.rng.next() < c.lossRate)
    ) {
      s.packetsDropped++;
      return;
    }
    // Copy: the sender may reuse its buffer, and a real network never shares memory.
    const copy = Uint8Array.from(packet);
    const copies = c.duplicateRate > 0 && this.rng.next() < c.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      let delay = Math.max(0, c.latencyMs(from, to));
      if (c.jitterMs > 0) delay += this.rng.next() * c.jitterMs;
      if (c.reorderRate > 0 && this.rng.next() < c.reorderRate) delay += c.reorderDelayMs;
      this.scheduler.after(delay, () => this.deliver(from, to, copy));
    }
  }

  private deliver(from: string, to: string, packet: Uint8Array): void {
    const e = this.endpoints.get(to);
    // A partition or drop that started while the packet was in flight also loses it.
    if (!e || this.droppedNodes.has(to) || this.blocked.has(`${from}>${to}`)) {
      this.stats(to).packetsDropped++;
      return;
    }
    if (e.paused) {
      if (e.paused.length >= this.maxPausedPackets) this.stats(to).packetsDropped++;
      else e.paused.push({ from, packet });
      return;
    }
    const r = this.stats(to);
    r.packetsReceived++;
    r.bytesReceived += packet.length;
    this.delivered++;
    e.handler?.(from, packet);
  }
}

/** Thrown by {@link MemoryNetwork.bind} for an address already bound. */
export class AddressInUseError extends Error {
  override readonly name = 'AddressInUseError';
}

/** One endpoint of a {@link MemoryNetwork}. */
export class MemoryTransport implements Transport {
  private closed = false;

  constructor(
    private readonly network: MemoryNetwork,
    readonly localAddr: string,
  ) {}

  send(to: string, packet: Uint8Array): void {
    if (this.closed) return;
    this.network.send(this.localAddr, to, packet);
  }

  onPacket(handler: (from: string, packet: Uint8Array) => void): void {
    if (this.closed) return;
    this.network.setHandler(this.localAddr, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.network.unbind(this.localAddr);
  }
}
