import type { Cluster } from './cluster.js';
import type { Observer } from './observer.js';
import type { SimQueueSize } from './protocol.js';
import type { SimNetwork } from './sim-network.js';

/** One row of the time series. Times are virtual ms from the start of the run. */
export interface Sample {
  readonly t: number;
  readonly liveNodes: number;
  /** Mean and max over live nodes of bytes sent per second since the previous sample. */
  readonly bytesPerNodePerSec: number;
  readonly maxBytesPerNodePerSec: number;
  readonly msgsPerNodePerSec: number;
  /** Over the sampled observers: members each sees alive (itself excluded), mean / min / max. */
  readonly viewAliveMean: number;
  readonly viewAliveMin: number;
  readonly viewAliveMax: number;
  /** Fraction of sampled observers whose alive set equals the truth. */
  readonly viewAgreement: number;
  /** Largest fill (size / bound) of any node queue sampled. */
  readonly maxQueueFill: number;
  /** Mean over writes so far of the fraction of live nodes that hold them. */
  readonly heldFraction: number;
}

/**
 * Samples the cluster at a fixed virtual interval for the report's time series, and answers
 * the healing phase's "has it converged yet" question cheaply (from sampled observers' views
 * and nodes' hold reports; the checkers then verify the real state of every node).
 */
export class Sampler {
  readonly samples: Sample[] = [];
  /** Sum over samples of live nodes x interval seconds (node-seconds of uptime). */
  nodeSeconds = 0;
  private lastT = 0;
  private lastSent: number[] = [];
  private lastBytes: number[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly net: SimNetwork,
    private readonly observer: Observer,
    private readonly observers: readonly number[],
    private readonly now: () => number,
    private readonly noteQueues: (index: number, queues: readonly SimQueueSize[]) => void,
  ) {}

  /** Takes one sample now. */
  sample(): void {
    const t = this.now();
    const dt = (t - this.lastT) / 1000;
    if (dt <= 0) return;
    const live = this.cluster.live();
    let bytes = 0;
    let msgs = 0;
    let maxBytes = 0;
    for (const s of this.cluster.slots) {
      const tr = this.net.traffic(s.index);
      const db = tr.sentBytes - (this.lastBytes[s.index] ?? 0);
      const dm = tr.sent - (this.lastSent[s.index] ?? 0);
      this.lastBytes[s.index] = tr.sentBytes;
      this.lastSent[s.index] = tr.sent;
      bytes += db;
      msgs += dm;
      maxBytes = Math.max(maxBytes, db / dt);
    }
    let maxFill = 0;
    for (const s of live) {
      const queues = s.node?.queues?.();
      if (!queues) continue;
      this.noteQueues(s.index, queues);
      for (const q of queues) if (q.bound > 0) maxFill = Math.max(maxFill, q.size / q.bound);
    }
    const up = this.net.settings.uplinkQueueBytes;
    if (this.net.settings.bandwidthBytesPerSec > 0)
      for (const s of live) maxFill = Math.max(maxFill, this.net.uplinkQueue(s.index).size / up);
    const view = this.viewStats();
    this.nodeSeconds += live.length * dt;
    this.samples.push({
      t,
      liveNodes: live.length,
      bytesPerNodePerSec: live.length ? bytes / dt / live.length : 0,
      maxBytesPerNodePerSec: maxBytes,
      msgsPerNodePerSec: live.length ? msgs / dt / live.length : 0,
      viewAliveMean: view.mean,
      viewAliveMin: view.min,
      viewAliveMax: view.max,
      viewAgreement: view.agreement,
      maxQueueFill: maxFill,
      heldFraction: this.heldFraction(),
    });
    this.lastT = t;
  }

  /**
   * True when every sampled live observer's view matches the truth and (for replication)
   * every acknowledged write is reported held by every live node. With `everyView`, once the
   * sample agrees, every live node's view must match as well: a sample of 16 misses the one
   * node in hundreds that has not heard of a member yet (gossip's tail, repaired by push-pull).
   */
  converged(observer: Observer, replicates: boolean, everyView = false): boolean {
    const view = this.viewStats();
    if (view.observed > 0 && view.agreement < 1) return false;
    if (everyView && view.observed > 0 && !this.everyViewMatches()) return false;
    if (!replicates) return true;
    const live = this.cluster.live();
    for (const w of observer.writes.values()) {
      if (w.ackAt === undefined) continue;
      for (const s of live) if (!w.holdMs.has(s.index)) return false;
    }
    return true;
  }

  private everyViewMatches(): boolean {
    const live = this.cluster.live();
    const liveAddrs = new Set(live.map((s) => s.addr));
    for (const s of live) {
      const view = s.node?.view?.();
      if (view && countAliveExactly(view, s.addr, liveAddrs) === undefined) return false;
    }
    return true;
  }

  private heldFraction(): number {
    const live = this.cluster.live().length;
    if (live === 0) return 0;
    let n = 0;
    let sum = 0;
    for (const w of this.observer.writes.values()) {
      if (w.ackAt === undefined) continue;
      n++;
      sum += Math.min(1, w.holdMs.size / live);
    }
    return n === 0 ? 0 : sum / n;
  }

  private viewStats(): { mean: number; min: number; max: number; agreement: number; observed: number } {
    const live = this.cluster.live();
    const liveAddrs = new Set(live.map((s) => s.addr));
    let n = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    let agree = 0;
    for (const i of this.observers) {
      const slot = this.cluster.slot(i);
      const view = slot.status === 'up' ? slot.node?.view?.() : undefined;
      if (!view) continue;
      n++;
      const exact = countAliveExactly(view, slot.addr, liveAddrs);
      const alive = exact ?? countAlive(view, slot.addr);
      sum += alive;
      min = Math.min(min, alive);
      max = Math.max(max, alive);
      if (exact !== undefined) agree++;
    }
    return n === 0
      ? { mean: 0, min: 0, max: 0, agreement: 0, observed: 0 }
      : { mean: sum / n, min, max, agreement: agree / n, observed: n };
  }
}

/** Members `view` sees alive, its owner excluded. */
function countAlive(view: ReadonlyMap<string, string>, self: string): number {
  let alive = 0;
  for (const [addr, state] of view) if (addr !== self && state === 'alive') alive++;
  return alive;
}

/**
 * The number of members `view` sees alive when its alive set is exactly `liveAddrs` (its owner
 * excluded); undefined when it differs.
 */
function countAliveExactly(
  view: ReadonlyMap<string, string>,
  self: string,
  liveAddrs: ReadonlySet<string>,
): number | undefined {
  let alive = 0;
  for (const [addr, state] of view) {
    if (addr === self) continue;
    const isLive = liveAddrs.has(addr);
    if (state === 'alive') {
      if (!isLive) return undefined;
      alive++;
    } else if (isLive) return undefined;
  }
  return alive === liveAddrs.size - 1 ? alive : undefined;
}
