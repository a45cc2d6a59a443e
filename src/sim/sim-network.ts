import { oneWayLatencyMs } from '../regions/latency.js';
import type { Rng } from '../runtime/rng.js';
import type { VirtualScheduler } from '../runtime/virtual-scheduler.js';
import type { Transport } from '../transport/transport.js';
import type { NetworkConfig } from './network-config.js';
import { networkConfig } from './network-config.js';
import { Partitions } from './partitions.js';

/** Per-node traffic counters. Drops are counted at the sender except `bufferDrops`. */
export interface NodeTraffic {
  sent: number;
  sentBytes: number;
  received: number;
  receivedBytes: number;
  lost: number;
  partitioned: number;
  queueDrops: number;
  bufferDrops: number;
  oversize: number;
  unreachable: number;
  duplicated: number;
  /** Largest uplink queue seen, in bytes. */
  maxUplinkQueuedBytes: number;
}

type Handler = (from: string, packet: Uint8Array) => void;

interface Endpoint {
  readonly index: number;
  readonly addr: string;
  readonly regionIdx: number;
  up: boolean;
  paused: boolean;
  /** Extra delay of every packet to this node, ms (a CPU-starved host reads its socket late). */
  ingressDelayMs: number;
  handler: Handler | null;
  inbox: { from: string; packet: Uint8Array }[];
  uplinkFreeAt: number;
  uplinkQueuedBytes: number;
  traffic: NodeTraffic;
  /** Runs node code with exception capture (from the node's runtime). */
  run: (fn: () => void) => void;
}

function zeroTraffic(): NodeTraffic {
  return {
    sent: 0,
    sentBytes: 0,
    received: 0,
    receivedBytes: 0,
    lost: 0,
    partitioned: 0,
    queueDrops: 0,
    bufferDrops: 0,
    oversize: 0,
    unreachable: 0,
    duplicated: 0,
    maxUplinkQueuedBytes: 0,
  };
}

/** The gossip address of node `index`: a private IPv4 address and a fixed port. */
export function nodeAddr(index: number): string {
  const n = index + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:7946`;
}

/**
 * A seeded packet simulator on the virtual scheduler: per-pair latency from the region
 * matrix, jitter, loss, duplication, reordering, directed partitions, a bandwidth cap with a
 * bounded uplink queue per node, and per-node counters. Faults never throw: a packet that
 * cannot be delivered is dropped and counted.
 */
export class SimNetwork {
  /** Active partitions; mutate through {@link Partitions.cut} and {@link Partitions.heal}. */
  readonly partitions = new Partitions();
  private config: NetworkConfig;
  private readonly endpoints: Endpoint[] = [];
  private readonly byAddr = new Map<string, Endpoint>();
  private readonly regionNames: string[] = [];
  private latency: number[][] = [];
  private readonly copyPackets: boolean;

  /**
   * @param options.copyPackets copy every packet on send, as a real socket does, so that a
   *   sender that reused its buffer after `send` would be caught. Default false: corro's only
   *   datagram sender (membership's sealer) builds a fresh buffer for every packet and never
   *   touches it again, and receivers only read packets, so the copy (one ArrayBuffer
   *   allocation per packet) changes nothing the simulator
   *   measures; `test/sim/network.test.ts` checks that runs are byte-identical either way.
   */
  constructor(
    private readonly sim: VirtualScheduler,
    private readonly rng: Rng,
    config: Partial<NetworkConfig> = {},
    options: { readonly copyPackets?: boolean } = {},
  ) {
    this.config = networkConfig(config);
    this.copyPackets = options.copyPackets ?? false;
  }

  /** The current fault configuration. */
  get settings(): NetworkConfig {
    return this.config;
  }

  /** Replaces some fault knobs (e.g. loss starts or stops mid-run). */
  configure(partial: Partial<NetworkConfig>): void {
    this.config = networkConfig(partial, this.config);
  }

  /** Registers node `index` in `region`; returns its address. Idempotent per index. */
  addNode(index: number, region: string): string {
    const existing = this.endpoints[index];
    if (existing) return existing.addr;
    let regionIdx = this.regionNames.indexOf(region);
    if (regionIdx < 0) {
      regionIdx = this.regionNames.length;
      this.regionNames.push(region);
      this.latency = this.regionNames.map((a) => this.regionNames.map((b) => oneWayLatencyMs(a, b)));
    }
    const addr = nodeAddr(index);
    const ep: Endpoint = {
      index,
      addr,
      regionIdx,
      up: false,
      paused: false,
      ingressDelayMs: 0,
      handler: null,
      inbox: [],
      uplinkFreeAt: 0,
      uplinkQueuedBytes: 0,
      traffic: zeroTraffic(),
      run: (fn) => fn(),
    };
    this.endpoints[index] = ep;
    this.byAddr.set(addr, ep);
    return addr;
  }

  /**
   * Brings node `index` up and returns its transport. `run` wraps every delivery (the node's
   * runtime uses it to capture exceptions). A previous transport of the node stops working.
   */
  attach(index: number, run: (fn: () => void) => void): Transport {
    const ep = this.endpoint(index);
    ep.up = true;
    ep.paused = false;
    ep.handler = null;
    ep.inbox = [];
    ep.run = run;
    let open = true;
    return {
      localAddr: ep.addr,
      send: (to, packet) => {
        if (open) this.send(ep, to, packet);
      },
      onPacket: (handler) => {
        if (open) ep.handler = handler;
      },
      close: async () => {
        if (!open) return;
        open = false;
        ep.handler = null;
      },
    };
  }

  /** Takes node `index` off the network at once (crash or after leaving). */
  detach(index: number): void {
    const ep = this.endpoint(index);
    ep.up = false;
    ep.handler = null;
    ep.inbox = [];
  }

  /** Freezes deliveries to node `index`; they are buffered up to `pausedBufferPackets`. */
  pause(index: number): void {
    this.endpoint(index).paused = true;
  }

  /**
   * Makes node `index` slow: every packet to it waits `ms` more before its handler runs, as on
   * a CPU-starved host (Lifeguard's slow-node case). 0 restores it.
   */
  setIngressDelay(index: number, ms: number): void {
    this.endpoint(index).ingressDelayMs = Math.max(0, ms);
  }

  /** True when node `index` currently has an ingress delay. */
  isSlow(index: number): boolean {
    return this.endpoint(index).ingressDelayMs > 0;
  }

  /** Delivers what node `index` buffered while paused, in arrival order. */
  resume(index: number): void {
    const ep = this.endpoint(index);
    if (!ep.paused) return;
    ep.paused = false;
    const inbox = ep.inbox;
    ep.inbox = [];
    for (const m of inbox) this.deliverNow(ep, m.from, m.packet);
  }

  /** Traffic counters of node `index`. */
  traffic(index: number): NodeTraffic {
    return this.endpoint(index).traffic;
  }

  /** One-way latency between two nodes' regions in ms, without jitter. */
  baseLatencyMs(from: number, to: number): number {
    return this.latency[this.endpoint(from).regionIdx]?.[this.endpoint(to).regionIdx] ?? 0;
  }

  /** Current uplink queue of node `index` in bytes, and its bound. */
  uplinkQueue(index: number): { size: number; bound: number } {
    return { size: this.endpoint(index).uplinkQueuedBytes, bound: this.config.uplinkQueueBytes };
  }

  private endpoint(index: number): Endpoint {
    const ep = this.endpoints[index];
    if (!ep) throw new RangeError(`SimNetwork: node ${index} was never added; call addNode first`);
    return ep;
  }

  private send(src: Endpoint, to: string, packet: Uint8Array): void {
    if (!src.up) return;
    const t = src.traffic;
    t.sent++;
    t.sentBytes += packet.length;
    const c = this.config;
    if (packet.length > c.maxPacketBytes) {
      t.oversize++;
      return;
    }
    const dst = this.byAddr.get(to);
    if (!dst) {
      t.unreachable++;
      return;
    }
    if (c.lossRate > 0 && this.rng.next() < c.lossRate) {
      t.lost++;
      return;
    }
    if (this.partitions.size > 0 && this.partitions.blocked(src.index, dst.index)) {
      t.partitioned++;
      return;
    }
    const now = this.sim.now();
    let queueWait = 0;
    if (c.bandwidthBytesPerSec > 0) {
      if (src.uplinkQueuedBytes + packet.length > c.uplinkQueueBytes) {
        t.queueDrops++;
        return;
      }
      const start = Math.max(now, src.uplinkFreeAt);
      src.uplinkFreeAt = start + (packet.length * 1000) / c.bandwidthBytesPerSec;
      queueWait = src.uplinkFreeAt - now;
      src.uplinkQueuedBytes += packet.length;
      t.maxUplinkQueuedBytes = Math.max(t.maxUplinkQueuedBytes, src.uplinkQueuedBytes);
      const len = packet.length;
      this.sim.after(queueWait, () => {
        src.uplinkQueuedBytes -= len;
      });
    }
    // With copyPackets the sender may reuse its buffer once send returns, as with a real socket.
    const copy = this.copyPackets ? packet.slice() : packet;
    const base = queueWait + (this.latency[src.regionIdx]?.[dst.regionIdx] ?? 0) + dst.ingressDelayMs;
    this.sim.after(base + this.noise(), () => this.arrive(dst, src.addr, copy));
    if (c.duplicateRate > 0 && this.rng.next() < c.duplicateRate) {
      t.duplicated++;
      this.sim.after(base + this.noise(), () => this.arrive(dst, src.addr, copy));
    }
  }

  private noise(): number {
    const c = this.config;
    let d = c.jitterMs > 0 ? this.rng.next() * c.jitterMs : 0;
    if (c.reorderRate > 0 && this.rng.next() < c.reorderRate) d += this.rng.next() * c.reorderDelayMs;
    return d;
  }

  private arrive(dst: Endpoint, from: string, packet: Uint8Array): void {
    if (!dst.up) return;
    if (dst.paused) {
      if (dst.inbox.length >= this.config.pausedBufferPackets) dst.traffic.bufferDrops++;
      else dst.inbox.push({ from, packet });
      return;
    }
    this.deliverNow(dst, from, packet);
  }

  private deliverNow(dst: Endpoint, from: string, packet: Uint8Array): void {
    const h = dst.handler;
    if (!h) return;
    dst.traffic.received++;
    dst.traffic.receivedBytes += packet.length;
    dst.run(() => h(from, packet));
  }
}
