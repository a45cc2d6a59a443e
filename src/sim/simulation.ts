import type { Rng } from '../runtime/rng.js';
import { deriveSeed, sample, seededRng } from '../runtime/rng.js';
import { VirtualScheduler } from '../runtime/virtual-scheduler.js';
import type { CheckInput, CheckResult } from './checkers/index.js';
import { ALL_CHECKERS } from './checkers/index.js';
import { Cluster } from './cluster.js';
import { Observer } from './observer.js';
import type { SimProtocol, SimQueueSize, SimWorld } from './protocol.js';
import type { RunData } from './results.js';
import { Sampler } from './sampler.js';
import type { Scenario, ScenarioEvent } from './scenario.js';
import { SimNetwork } from './sim-network.js';

/** How to run one simulation. */
export interface SimOptions {
  /** The seed every random choice derives from (32-bit unsigned). */
  readonly seed: number;
  readonly scenario: Scenario;
  /** The real code to drive, through its adapter. */
  readonly protocol: SimProtocol;
  /** Time-series sampling interval in virtual ms. Default: durationMs / 120, clamped to [250, 5000]. */
  readonly sampleIntervalMs?: number;
  /** Nodes whose member views are sampled for the view chart and convergence time. Default 16. */
  readonly viewObservers?: number;
  /** Initial nodes start at uniform random times in [0, startSpreadMs). Default 1000. */
  readonly startSpreadMs?: number;
  /** How many of the first nodes every node bootstraps through. Default 3. */
  readonly bootstrapCount?: number;
  /** Healing-phase convergence is checked this often, in virtual ms. Default 250. */
  readonly checkIntervalMs?: number;
  /** Copy every packet on send (see `SimNetwork`); default false. Results are the same either way. */
  readonly copyPackets?: boolean;
  /** Microtask turns to yield after every event (for protocols with internal async work). Default 0. */
  readonly asyncTurns?: number;
  /**
   * Warm-up before the fault phase, in virtual ms, or `'auto'`: the nodes start and join, but
   * writes and scenario events wait until it ends (scenario event times count from its end).
   * `'auto'` ends it at the first check (every `checkIntervalMs`, once every initial node has
   * started) at which every live node's member view equals the live set, and at
   * {@link MAX_AUTO_WARMUP_MS} at the latest. Default 0 (the fault phase starts with the nodes; writes meet the join).
   */
  readonly warmupMs?: number | 'auto';
  /**
   * Called now and then with virtual ms elapsed and the planned total (during an automatic
   * warm-up the total counts the warm-up so far), and once more with `done` at the end.
   */
  readonly onProgress?: (elapsedMs: number, totalMs: number, done: boolean) => void;
}

const EPOCH_MS = 1_700_000_000_000;

/**
 * Longest automatic warm-up (120 virtual s): a cluster whose members have not agreed by then
 * starts its fault phase anyway (1000 nodes agree after about 17 s).
 */
export const MAX_AUTO_WARMUP_MS = 120_000;

/**
 * Runs one simulation to its end and returns the raw run data (turned into results.json by
 * `buildResults`). Everything random derives from `seed`; the same options give the same run.
 */
export async function runSimulation(opts: SimOptions): Promise<RunData> {
  const { scenario, protocol, seed } = opts;
  const sim = new VirtualScheduler(EPOCH_MS);
  const rel = () => sim.now() - EPOCH_MS;
  const rngFor = (stream: number): Rng => seededRng(deriveSeed(seed, 0x7fff0000 + stream));
  const net = new SimNetwork(sim, rngFor(1), scenario.network, { copyPackets: opts.copyPackets ?? false });
  const workloadRng = rngFor(2);
  const planRng = rngFor(3);
  const bootstrapCount = opts.bootstrapCount ?? 3;
  const bootstrap = Array.from({ length: Math.min(bootstrapCount, scenario.initialNodes) }, (_, i) => i);
  let cluster: Cluster | null = null;
  const addrIndex = new Map<string, number>();
  const observer: Observer = new Observer(
    {
      status: (i) => cluster?.slot(i).status ?? 'idle',
      paused: (i) => (cluster?.slot(i).paused ?? false) || net.isSlow(i),
      indexOf: (addr: string): number | undefined => addrIndex.get(addr),
      liveCount: () => liveCount,
      isLive: (i) => cluster?.slot(i).status === 'up',
      partitioned: () => net.partitions.size > 0,
    },
    rel,
  );
  const world: SimWorld = {
    scheduler: sim,
    latencyMs: (a, b) => {
      const ia = addrIndex.get(a);
      const ib = addrIndex.get(b);
      return ia === undefined || ib === undefined ? 0 : net.baseLatencyMs(ia, ib);
    },
    reachable: (a, b) => {
      const ia = addrIndex.get(a);
      const ib = addrIndex.get(b);
      if (ia === undefined || ib === undefined || !cluster) return false;
      if (cluster.slot(ia).status !== 'up' || cluster.slot(ib).status !== 'up') return false;
      return !net.partitions.blocked(ia, ib);
    },
    shared: new Map(),
  };
  const c: Cluster = new Cluster(
    sim,
    net,
    protocol,
    observer,
    seed,
    scenario.regions,
    scenario.nodes,
    bootstrap,
    world,
  );
  cluster = c;
  for (const s of c.slots) addrIndex.set(s.addr, s.index);
  let liveCount = 0;
  const refreshLive = () => {
    liveCount = 0;
    for (const s of c.slots) if (s.status === 'up') liveCount++;
  };

  const queueViolations: CheckInput['queueViolations'][number][] = [];
  const noteQueues = (index: number, queues: readonly SimQueueSize[]) => {
    for (const q of queues)
      if (q.size > q.bound && queueViolations.length < 100)
        queueViolations.push({ node: index, atMs: Math.round(rel()), queue: q });
  };

  // Start the initial nodes at random moments of the first startSpreadMs.
  const spread = opts.startSpreadMs ?? 1000;
  for (let i = 0; i < scenario.initialNodes; i++) {
    const delay = i === 0 ? 0 : planRng.next() * spread;
    sim.after(delay, () => {
      c.start(i);
      refreshLive();
    });
  }

  // Scenario events.
  const apply = (e: ScenarioEvent) => {
    switch (e.do) {
      case 'crash':
        for (const n of e.nodes) c.crash(n);
        break;
      case 'restart':
      case 'join':
        for (const n of e.nodes) c.start(n);
        break;
      case 'leave':
        for (const n of e.nodes) c.leave(n);
        break;
      case 'pause':
        for (const n of e.nodes) c.pause(n);
        if (e.forMs !== undefined)
          sim.after(e.forMs, () => {
            for (const n of e.nodes) c.resume(n);
          });
        break;
      case 'slow':
        for (const n of e.nodes) net.setIngressDelay(n, e.ingressDelayMs);
        if (e.forMs !== undefined)
          sim.after(e.forMs, () => {
            for (const n of e.nodes) net.setIngressDelay(n, 0);
          });
        break;
      case 'resume':
        for (const n of e.nodes) c.resume(n);
        break;
      case 'partition':
        net.partitions.cut(e.id ?? 'partition', e.groups[0], e.groups[1], e.oneWay ?? false);
        break;
      case 'heal':
        net.partitions.heal(e.id);
        break;
      case 'network':
        net.configure(e.set);
        break;
    }
    refreshLive();
  };
  // Scenario events and writes are scheduled when the fault phase starts (after the warm-up).
  let faultStartMs = 0;
  const scheduleEvents = () => {
    for (const e of scenario.events) sim.after(e.at, () => apply(e));
  };

  // Workload: Poisson arrivals of writes on random running nodes during the fault phase.
  let writeSeq = 0;
  let writesRefused = 0;
  const durationMs = scenario.durationMs;
  const scheduleWrite = () => {
    if (!protocol.replicates || scenario.writesPerSec <= 0) return;
    const gap = (-Math.log(1 - workloadRng.next()) / scenario.writesPerSec) * 1000;
    sim.after(gap, () => {
      if (rel() >= faultStartMs + durationMs) return;
      const candidates = c.slots.filter((s) => s.status === 'up' && !s.paused && s.node?.write);
      const slot = candidates[Math.floor(workloadRng.next() * candidates.length)];
      if (slot?.node?.write) {
        const id = `w${writeSeq++}`;
        const rec = observer.wrote(id, slot.index);
        const runtime = slot.runtime;
        try {
          c.track(slot.index, slot.node.write(id), (ok) => {
            if (ok) {
              rec.ackAt = rel();
              observer.held(slot.index, id);
            } else writesRefused++;
          });
        } catch (err) {
          if (runtime) c.nodeError(slot.index, err);
        }
      }
      scheduleWrite();
    });
  };

  // Sampling.
  const observers = sample(
    planRng,
    Array.from({ length: scenario.nodes }, (_, i) => i),
    opts.viewObservers ?? 16,
  ).sort((a, b) => a - b);
  const sampleMs = opts.sampleIntervalMs ?? Math.min(5000, Math.max(250, Math.round(durationMs / 120)));
  const sampler = new Sampler(c, net, observer, observers, rel, noteQueues);
  const sampleTick = () => {
    sampler.sample();
    sim.after(sampleMs, sampleTick);
  };
  sim.after(sampleMs, sampleTick);

  const asyncTurns = opts.asyncTurns ?? 0;
  let totalPlanned = (typeof opts.warmupMs === 'number' ? opts.warmupMs : 0) + durationMs + scenario.healMs;
  let lastProgress = -1;
  let warmingUp = opts.warmupMs === 'auto';
  const step = async (): Promise<boolean> => {
    const ran = sim.step();
    for (let i = 0; i < asyncTurns; i++) await null;
    // Let promises the cluster started (start, write, stop) settle before time moves on.
    for (let guard = 0; c.pending > 0 && guard < 1000; guard++) await null;
    return ran;
  };
  const runUntil = async (tRel: number): Promise<void> => {
    // A sentinel event at the target time: events due before it (or at it, scheduled
    // earlier) run; the loop stops exactly at the boundary.
    let reached = false;
    sim.after(EPOCH_MS + tRel - sim.now(), () => {
      reached = true;
    });
    let k = 0;
    while (!reached && (await step())) {
      if ((++k & 1023) === 0 && opts.onProgress) {
        const tenth = Math.floor(rel() / 100);
        if (tenth !== lastProgress) {
          lastProgress = tenth;
          opts.onProgress(rel(), totalPlanned + (warmingUp ? rel() : 0), false);
        }
      }
    }
  };

  // Warm-up: the nodes join; no writes, no scenario events.
  const checkEvery = opts.checkIntervalMs ?? 250;
  const warmup = opts.warmupMs ?? 0;
  if (warmup === 'auto') {
    // Not before every initial node has started (a half-started cluster agrees trivially).
    while (rel() < MAX_AUTO_WARMUP_MS) {
      await runUntil(Math.min(MAX_AUTO_WARMUP_MS, rel() + checkEvery));
      if (rel() >= spread && sampler.converged(observer, false, true)) break;
    }
    totalPlanned += rel();
    warmingUp = false;
  } else if (warmup > 0) await runUntil(warmup);
  faultStartMs = rel();

  // Fault phase.
  scheduleEvents();
  scheduleWrite();
  await runUntil(faultStartMs + durationMs);
  const faultEndMs = rel();

  // Healing phase: every fault removed, writes stopped; run until converged.
  net.partitions.heal();
  for (const s of c.slots) {
    if (s.paused) c.resume(s.index);
    net.setIngressDelay(s.index, 0);
  }
  net.configure({ lossRate: 0, duplicateRate: 0, reorderRate: 0 });
  refreshLive();
  let convergedAt: number | undefined;
  const healEnd = faultEndMs + scenario.healMs;
  while (rel() < healEnd) {
    const next = Math.min(healEnd, rel() + checkEvery);
    await runUntil(next);
    if (sampler.converged(observer, protocol.replicates, true)) {
      convergedAt = rel();
      break;
    }
  }
  sampler.sample();
  opts.onProgress?.(totalPlanned, totalPlanned, true);

  // Checkers judge the real end state.
  refreshLive();
  const live = c.slots
    .filter((s) => s.status === 'up' && s.node)
    .map((s) => ({ index: s.index, addr: s.addr, node: s.node as NonNullable<typeof s.node> }));
  for (const l of live) if (l.node.queues) noteQueues(l.index, l.node.queues());
  for (const s of c.slots) {
    const q = net.traffic(s.index).maxUplinkQueuedBytes;
    if (q > net.settings.uplinkQueueBytes)
      noteQueues(s.index, [{ name: 'net.uplink', size: q, bound: net.settings.uplinkQueueBytes }]);
  }
  const gone = c.slots.filter((s) => s.status === 'crashed' || s.status === 'left').map((s) => s.addr);
  const ackedWrites = [...observer.writes.values()].filter((w) => w.ackAt !== undefined).map((w) => w.id);
  const input: CheckInput = { live, gone, ackedWrites, queueViolations, nodeErrors: c.errors };
  const checks: CheckResult[] = ALL_CHECKERS.map((check) => check(input));

  return {
    seed,
    scenario,
    protocol: protocol.name,
    replicates: protocol.replicates,
    eventsExecuted: sim.executed,
    endMs: rel(),
    faultStartMs,
    faultEndMs,
    convergedAt,
    writesRefused,
    cluster: c,
    net,
    observer,
    sampler,
    checks,
  };
}
