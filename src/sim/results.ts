import { oneWayLatencyMs } from '../regions/latency.js';
import { MATRIX_SOURCE } from '../regions/matrix.js';
import type { CheckResult } from './checkers/index.js';
import type { Cluster } from './cluster.js';
import type { Observer } from './observer.js';
import type { Sample, Sampler } from './sampler.js';
import type { Scenario } from './scenario.js';
import type { SimNetwork } from './sim-network.js';
import { cdf, round, summary } from './stats.js';

const EPOCH_MS = 1_700_000_000_000;

/** Everything a finished run leaves behind, before it is reduced to results. */
export interface RunData {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly protocol: string;
  readonly replicates: boolean;
  readonly eventsExecuted: number;
  readonly endMs: number;
  /** When the fault phase began: the end of the warm-up (0 without one). */
  readonly faultStartMs: number;
  readonly faultEndMs: number;
  readonly convergedAt: number | undefined;
  readonly writesRefused: number;
  readonly cluster: Cluster;
  readonly net: SimNetwork;
  readonly observer: Observer;
  readonly sampler: Sampler;
  readonly checks: readonly CheckResult[];
}

/** A p50 / p99 / max / mean / count summary in ms. */
export type Summary = ReturnType<typeof summary>;

/**
 * The content of results.json. Only virtual-time figures and counts: the same seed and
 * options give byte-identical JSON. Wall time and memory are reported elsewhere.
 */
export interface SimResults {
  readonly format: 'corro-sim/1';
  readonly seed: number;
  readonly protocol: string;
  readonly scenario: {
    name: string;
    description: string;
    nodes: number;
    initialNodes: number;
    durationMs: number;
    healMs: number;
    writesPerSec: number;
    regions: readonly string[];
    network: Record<string, number>;
    events: number;
  };
  readonly latencySource: string;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
  readonly run: {
    eventsExecuted: number;
    endMs: number;
    /** Warm-up length: writes and scenario events start here (virtual ms from the start). */
    faultStartMs: number;
    faultEndMs: number;
    convergedAfterHealMs: number | null;
  };
  readonly propagation: {
    writes: number;
    acknowledged: number;
    refused: number;
    /** Writes not held by every target node at the end. */
    incomplete: number;
    /** Per write, ms until every node up since before the write held it. */
    full: Summary;
    /** Per (write, node) pair, ms until that node held it. */
    perNode: Summary;
    /** Largest lower bound over writes: max one-way latency from the writer to a target. */
    lowerBoundMs: number;
    /** full.p99 / lowerBoundMs (DESIGN.md goal: <= 2 at 1000 nodes); null without complete writes. */
    p99OverLowerBound: number | null;
    cdf: [number, number][];
    /** Mean fraction of target nodes holding a write, by ms since the write. */
    heldOverTime: [number, number][];
  };
  readonly membership: {
    /** First sample at which every sampled observer's view matched the truth, ms. */
    firstAgreementMs: number | null;
    falseSuspicions: number;
    falseDeaths: number;
    pausedSuspicions: number;
    pausedDeaths: number;
    /** Suspicions / deaths of running nodes while a partition was in force. */
    partitionSuspicions: number;
    partitionDeaths: number;
    /** Suspicions / deaths of restarted nodes by observers that had not seen them back yet. */
    staleSuspicions: number;
    staleDeaths: number;
    crashes: number;
    /** ms from crash to the first suspicion (or death) reported by any node. */
    firstDetection: Summary;
    /** ms from crash to the first node declaring it dead. */
    firstDeath: Summary;
    /** ms from crash until every live node declared it dead. */
    allDead: Summary;
    undetected: number;
  };
  readonly traffic: {
    /** null when no node was up at a sample (nothing measured). */
    msgsPerNodePerSec: number | null;
    bytesPerNodePerSec: number | null;
    /**
     * The same over the fault phase only (samples taken after the warm-up and before healing,
     * weighted by live nodes x interval): the cluster's running cost with the join left out.
     * null when no sample fell in the phase.
     */
    faultPhase: { msgsPerNodePerSec: number; bytesPerNodePerSec: number } | null;
    maxBytesPerNodePerSec: number;
    totals: Record<string, number>;
  };
  readonly protocolCounters: Record<string, number>;
  readonly series: readonly Record<string, number>[];
}

/** Reduces a run to its results (pure; deterministic for deterministic input). */
export function buildResults(d: RunData): SimResults {
  const { cluster, observer, net, sampler } = d;
  const liveAtEnd = cluster.slots.filter((s) => s.status === 'up');
  // Propagation: targets of a write are the nodes up without interruption from the write to the end.
  const full: number[] = [];
  const perNode: number[] = [];
  let lowerBound = 0;
  let incomplete = 0;
  let acknowledged = 0;
  const perWrite: { targets: number[] }[] = [];
  for (const w of observer.writes.values()) {
    if (w.ackAt === undefined) continue;
    acknowledged++;
    const writerRegion = cluster.slot(w.writer).region;
    const targets = liveAtEnd.filter((s) => s.startedAt - EPOCH_MS <= w.at);
    const delays: number[] = [];
    let missing = false;
    for (const s of targets) {
      lowerBound = Math.max(lowerBound, oneWayLatencyMs(writerRegion, s.region));
      const h = w.holdMs.get(s.index);
      if (h === undefined) missing = true;
      else delays.push(h);
    }
    perNode.push(...delays);
    perWrite.push({
      targets: delays.sort((a, b) => a - b).concat(missing ? [Number.POSITIVE_INFINITY] : []),
    });
    if (missing) incomplete++;
    else full.push(delays[delays.length - 1] ?? 0);
  }
  const fullSummary = summary(full);
  const crashes = observer.crashes;
  const since = (t: number | undefined, at: number) => (t === undefined ? [] : [t - at]);
  const totals: Record<string, number> = {};
  for (const s of cluster.slots) {
    const t = net.traffic(s.index) as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(t))
      totals[k] = k.startsWith('max') ? Math.max(totals[k] ?? 0, v) : (totals[k] ?? 0) + v;
  }
  const counters: Record<string, number> = {};
  for (const s of liveAtEnd) {
    const c = s.node?.counters?.();
    if (c) for (const [k, v] of Object.entries(c)) counters[k] = (counters[k] ?? 0) + v;
  }
  const runSec = Math.max(1e-9, d.endMs / 1000);
  let maxNodeBytes = 0;
  for (const s of cluster.slots)
    maxNodeBytes = Math.max(maxNodeBytes, net.traffic(s.index).sentBytes / runSec);
  const firstAgree = sampler.samples.find((x) => x.viewAgreement === 1 && x.liveNodes > 0);
  const sc = d.scenario;
  return {
    format: 'corro-sim/1',
    seed: d.seed,
    protocol: d.protocol,
    scenario: {
      name: sc.name,
      description: sc.description,
      nodes: sc.nodes,
      initialNodes: sc.initialNodes,
      durationMs: sc.durationMs,
      healMs: sc.healMs,
      writesPerSec: sc.writesPerSec,
      regions: sc.regions,
      network: { ...net.settings },
      events: sc.events.length,
    },
    latencySource: MATRIX_SOURCE,
    ok: d.checks.every((c) => c.ok),
    checks: d.checks,
    run: {
      eventsExecuted: d.eventsExecuted,
      endMs: round(d.endMs),
      faultStartMs: round(d.faultStartMs),
      faultEndMs: round(d.faultEndMs),
      convergedAfterHealMs: d.convergedAt === undefined ? null : round(d.convergedAt - d.faultEndMs),
    },
    propagation: {
      writes: observer.writes.size,
      acknowledged,
      refused: d.writesRefused,
      incomplete,
      full: fullSummary,
      perNode: summary(perNode),
      lowerBoundMs: round(lowerBound),
      p99OverLowerBound:
        lowerBound > 0 && fullSummary.p99 !== null ? round(fullSummary.p99 / lowerBound) : null,
      cdf: cdf(perNode),
      heldOverTime: heldOverTime(perWrite, fullSummary.max ?? 0),
    },
    membership: {
      firstAgreementMs: firstAgree ? round(firstAgree.t) : null,
      falseSuspicions: observer.falseSuspicions,
      falseDeaths: observer.falseDeaths,
      pausedSuspicions: observer.pausedSuspicions,
      pausedDeaths: observer.pausedDeaths,
      partitionSuspicions: observer.partitionSuspicions,
      partitionDeaths: observer.partitionDeaths,
      staleSuspicions: observer.staleSuspicions,
      staleDeaths: observer.staleDeaths,
      crashes: crashes.length,
      firstDetection: summary(crashes.flatMap((c) => since(c.firstSuspectAt, c.at))),
      firstDeath: summary(crashes.flatMap((c) => since(c.firstDeadAt, c.at))),
      allDead: summary(crashes.flatMap((c) => since(c.allDeadAt, c.at))),
      undetected: crashes.filter((c) => c.firstSuspectAt === undefined).length,
    },
    traffic: {
      msgsPerNodePerSec: sampler.nodeSeconds > 0 ? round((totals.sent ?? 0) / sampler.nodeSeconds) : null,
      bytesPerNodePerSec:
        sampler.nodeSeconds > 0 ? round((totals.sentBytes ?? 0) / sampler.nodeSeconds) : null,
      faultPhase: phaseTraffic(sampler.samples, d.faultStartMs, d.faultEndMs),
      maxBytesPerNodePerSec: round(maxNodeBytes),
      totals,
    },
    protocolCounters: counters,
    series: sampler.samples.map((s) => {
      const row: Record<string, number> = {};
      for (const [k, v] of Object.entries(s)) row[k] = round(v, 3);
      return row;
    }),
  };
}

function phaseTraffic(
  samples: readonly Sample[],
  fromMs: number,
  toMs: number,
): SimResults['traffic']['faultPhase'] {
  let nodeSeconds = 0;
  let msgs = 0;
  let bytes = 0;
  let prevT = 0;
  for (const s of samples) {
    const dt = (s.t - prevT) / 1000;
    prevT = s.t;
    if (s.t <= fromMs || s.t > toMs) continue;
    nodeSeconds += s.liveNodes * dt;
    msgs += s.msgsPerNodePerSec * s.liveNodes * dt;
    bytes += s.bytesPerNodePerSec * s.liveNodes * dt;
  }
  if (nodeSeconds <= 0) return null;
  return { msgsPerNodePerSec: round(msgs / nodeSeconds), bytesPerNodePerSec: round(bytes / nodeSeconds) };
}

function heldOverTime(perWrite: { targets: number[] }[], maxMs: number): [number, number][] {
  if (perWrite.length === 0) return [];
  const end = Math.max(1, maxMs) * 1.1;
  const out: [number, number][] = [];
  const steps = 60;
  for (let i = 0; i <= steps; i++) {
    const x = (end * i) / steps;
    let sum = 0;
    for (const w of perWrite) {
      const n = w.targets.length;
      if (n === 0) {
        sum += 1;
        continue;
      }
      let k = 0;
      while (k < n && (w.targets[k] as number) <= x) k++;
      sum += k / n;
    }
    out.push([round(x), round(sum / perWrite.length, 4)]);
  }
  return out;
}

/** results.json text: stable key order (insertion), two-space indent, trailing newline. */
export function resultsJson(r: SimResults): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
