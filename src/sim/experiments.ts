import type { SimProtocol } from './protocol.js';
import type { SimResults } from './results.js';
import { simulate } from './simulate.js';
import { fig, round } from './stats.js';

/** SWIM paper: expected protocol periods from a failure to its first detection, e / (e - 1). */
export const SWIM_FIRST_DETECTION_PERIODS = Math.E / (Math.E - 1);

/**
 * The epidemic (push gossip) model: expected fraction of N nodes reached after each round
 * when every reached node sends to `fanout` random others per round. Recurrence of the
 * expected value: x' = x + (1 - x) * (1 - (1 - 1/(N-1))^(fanout * x * N)). This is the model
 * behind SWIM section 4.1's infection-style dissemination and Serf's convergence simulator.
 */
export function epidemicFractions(n: number, fanout: number, rounds: number): number[] {
  const out: number[] = [];
  let x = 1 / n;
  out.push(x);
  for (let r = 0; r < rounds; r++) {
    const senders = x * n;
    x = x + (1 - x) * (1 - (1 - 1 / Math.max(1, n - 1)) ** (fanout * senders));
    out.push(Math.min(1, x));
  }
  return out;
}

/** Which protocols an experiment compares. */
export interface ExperimentProtocols {
  /** Membership with Lifeguard. */
  readonly lifeguard: SimProtocol;
  /** Membership without Lifeguard (plain SWIM). */
  readonly swim: SimProtocol;
  /** Membership whose simulated writes are user broadcasts (dissemination). */
  readonly broadcast: SimProtocol;
  /** Protocol period (probe interval) of the membership config, ms. */
  readonly probeIntervalMs: number;
  /** Gossip interval of the membership config, ms (one dissemination round). */
  readonly gossipIntervalMs: number;
  /** Gossip fanout (members per gossip round). */
  readonly gossipFanout: number;
}

/** One row of a comparison table. */
export interface ExperimentRow {
  readonly [key: string]: string | number;
}

/** An experiment's outcome: rows for a markdown table plus the seed for replay. */
export interface ExperimentResult {
  readonly name: string;
  readonly seed: number;
  readonly rows: ExperimentRow[];
}

async function run(
  protocol: SimProtocol,
  seed: number,
  nodes: number,
  durationS: number,
  extra: {
    scenario?: string;
    scenarioJson?: string;
    writesPerSec?: number;
    lossRate?: number;
    regions?: string[];
    warmupMs?: number | 'auto';
  } = {},
): Promise<SimResults> {
  const out = await simulate({
    seed,
    scenario: extra.scenario ?? 'steady',
    scenarioJson: extra.scenarioJson,
    nodes,
    durationMs: durationS * 1000,
    healMs: 30_000,
    writesPerSec: extra.writesPerSec ?? 0,
    lossRate: extra.lossRate,
    regions: extra.regions ?? ['iad'],
    warmupMs: extra.warmupMs ?? 0,
    protocol,
  });
  return out.results;
}

/**
 * Time to first detection: crash `crashes` nodes one at a time (each given 20 s), measure the
 * time from each crash to the first suspicion raised anywhere, in protocol periods.
 */
export async function detectionExperiment(
  p: ExperimentProtocols,
  sizes: readonly number[],
  seed: number,
  crashes = 10,
): Promise<ExperimentResult> {
  const rows: ExperimentRow[] = [];
  for (const n of sizes) {
    const k = Math.min(crashes, n - 2);
    const events = Array.from({ length: k }, (_, i) => ({
      at: 15_000 + i * 20_000,
      do: 'crash',
      nodes: [n - 1 - i],
    }));
    const durationS = 15 + k * 20;
    const r = await run(p.lifeguard, seed, n, durationS, {
      scenario: 'file',
      scenarioJson: JSON.stringify({ name: 'detection', events }),
    });
    const first = r.membership.firstDetection;
    const all = r.membership.allDead;
    rows.push({
      nodes: n,
      crashes: r.membership.crashes,
      'first detection mean (periods)':
        first.mean === null ? 'n/a' : round(first.mean / p.probeIntervalMs, 2),
      'first detection p50 / max (ms)': `${fig(first.p50)} / ${fig(first.max)}`,
      'SWIM e/(e-1) (periods)': round(SWIM_FIRST_DETECTION_PERIODS, 2),
      'all see dead p50 / max (ms)': `${fig(all.p50)} / ${fig(all.max)}`,
      undetected: r.membership.undetected,
    });
  }
  return { name: 'detection', seed, rows };
}

/**
 * Dissemination: fraction of nodes holding a broadcast versus gossip rounds, against the
 * epidemic model with the same fanout. One region (1 ms one-way) so rounds, not latency, dominate.
 */
export async function disseminationExperiment(
  p: ExperimentProtocols,
  sizes: readonly number[],
  seed: number,
): Promise<ExperimentResult> {
  const rows: ExperimentRow[] = [];
  for (const n of sizes) {
    // Writes start once the members agree, so broadcasts do not compete with the join.
    const r = await run(p.broadcast, seed, n, 20, { writesPerSec: 0.5, warmupMs: 'auto' });
    const model = epidemicFractions(n, p.gossipFanout, 12);
    const at = (rounds: number): number => {
      const ms = rounds * p.gossipIntervalMs;
      let best = 0;
      for (const [x, y] of r.propagation.heldOverTime) if (x <= ms) best = y;
      return best;
    };
    const row: Record<string, string | number> = { nodes: n, writes: r.propagation.acknowledged };
    for (const rounds of [1, 2, 3, 4, 6, 8, 10])
      row[`r${rounds}`] = `${round(at(rounds), 2)} / ${round(model[rounds] ?? 1, 2)}`;
    row['full p50 / max (ms)'] = `${fig(r.propagation.full.p50)} / ${fig(r.propagation.full.max)}`;
    row.incomplete = r.propagation.incomplete;
    rows.push(row);
  }
  return {
    name: 'dissemination (simulated / epidemic model, fraction reached after r gossip rounds)',
    seed,
    rows,
  };
}

/**
 * False positives: suspicions and deaths of running nodes under packet loss, and of a
 * paused node, with and without Lifeguard.
 */
export async function falsePositiveExperiment(
  p: ExperimentProtocols,
  nodes: number,
  seed: number,
  lossRate = 0.1,
  durationS = 120,
): Promise<ExperimentResult> {
  const rows: ExperimentRow[] = [];
  for (const [label, proto] of [
    ['Lifeguard', p.lifeguard],
    ['SWIM (Lifeguard off)', p.swim],
  ] as const) {
    const lossy = await run(proto, seed, nodes, durationS, { lossRate, scenario: 'steady' });
    rows.push({
      protocol: label,
      scenario: `${Math.round(lossRate * 100)}% loss`,
      'false suspicions': lossy.membership.falseSuspicions,
      'false deaths': lossy.membership.falseDeaths,
      'slow/paused node suspicions / deaths': '-',
      'msgs/node/s': fig(lossy.traffic.msgsPerNodePerSec),
    });
    const slow = await run(proto, seed, nodes, durationS, { scenario: 'slow-node' });
    rows.push({
      protocol: label,
      scenario: 'slow node (1.5 s late for 30% of the run, then paused 6 of every 10%)',
      'false suspicions': slow.membership.falseSuspicions,
      'false deaths': slow.membership.falseDeaths,
      'slow/paused node suspicions / deaths': `${slow.membership.pausedSuspicions} / ${slow.membership.pausedDeaths}`,
      'msgs/node/s': fig(slow.traffic.msgsPerNodePerSec),
    });
  }
  return { name: `false positives (${nodes} nodes, ${durationS} s)`, seed, rows };
}

/** Renders an experiment as a markdown table. */
export function markdownTable(e: ExperimentResult): string {
  const cols = [...new Set(e.rows.flatMap((r) => Object.keys(r)))];
  const lines = [
    `### ${e.name} (seed ${e.seed})`,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
  ];
  for (const r of e.rows) lines.push(`| ${cols.map((c) => String(r[c] ?? '')).join(' | ')} |`);
  return lines.join('\n');
}
