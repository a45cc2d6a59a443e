import type { SimResults } from './results.js';
import { fig } from './stats.js';

/** The end-of-run summary printed by the CLI: a two-column text table, then the checks. */
export function summaryTable(r: SimResults): string {
  const p = r.propagation;
  const m = r.membership;
  const rows: [string, string][] = [
    ['scenario', `${r.scenario.name} (${r.scenario.nodes} nodes, seed ${r.seed}, protocol ${r.protocol})`],
    [
      'propagation p50 / p99 / max',
      `${fig(p.full.p50)} / ${fig(p.full.p99)} / ${fig(p.full.max)} ms over ${p.full.count} writes`,
    ],
    ['lower bound (latency matrix)', `${p.lowerBoundMs} ms; p99 / bound = ${fig(p.p99OverLowerBound)}`],
    ['writes acked / refused / incomplete', `${p.acknowledged} / ${p.refused} / ${p.incomplete}`],
    ['warm-up (writes and faults start)', `${r.run.faultStartMs} ms`],
    ['membership first agreement', m.firstAgreementMs === null ? 'never' : `${m.firstAgreementMs} ms`],
    [
      'converged after healing',
      r.run.convergedAfterHealMs === null ? 'NO' : `${r.run.convergedAfterHealMs} ms`,
    ],
    ['false suspicions / deaths', `${m.falseSuspicions} / ${m.falseDeaths}`],
    ['paused/slow-node suspicions / deaths', `${m.pausedSuspicions} / ${m.pausedDeaths}`],
    ['in-partition suspicions / deaths', `${m.partitionSuspicions} / ${m.partitionDeaths}`],
    ['stale (restarted) suspicions / deaths', `${m.staleSuspicions} / ${m.staleDeaths}`],
    [
      'crash detection first p50 / max',
      `${fig(m.firstDetection.p50)} / ${fig(m.firstDetection.max)} ms (${m.crashes} crashes)`,
    ],
    ['crash seen dead by all p50 / max', `${fig(m.allDead.p50)} / ${fig(m.allDead.max)} ms`],
    [
      'msgs / bytes per node per s',
      `${fig(r.traffic.msgsPerNodePerSec)} / ${fig(r.traffic.bytesPerNodePerSec)}`,
    ],
    [
      '  in the fault phase (join left out)',
      `${fig(r.traffic.faultPhase?.msgsPerNodePerSec ?? null)} / ${fig(r.traffic.faultPhase?.bytesPerNodePerSec ?? null)}`,
    ],
    ['max queue fill (size/bound)', `${Math.max(0, ...r.series.map((s) => s.maxQueueFill ?? 0))}`],
    [
      'network drops lost/part/queue/buffer',
      `${r.traffic.totals.lost ?? 0} / ${r.traffic.totals.partitioned ?? 0} / ${r.traffic.totals.queueDrops ?? 0} / ${r.traffic.totals.bufferDrops ?? 0}`,
    ],
    ['virtual events', `${r.run.eventsExecuted}`],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`);
  lines.push('');
  for (const c of r.checks) {
    const mark = !c.applicable ? 'n/a ' : c.ok ? 'ok  ' : 'FAIL';
    lines.push(`  [${mark}] ${c.name}: ${c.detail}`);
    for (const f of c.failures) lines.push(`         - ${f}`);
  }
  return lines.join('\n');
}

/** The exact command line that replays a run. */
export function replayCommand(args: {
  seed: number;
  scenario: string;
  nodes?: number;
  durationMs: number;
  healMs?: number;
  warmupMs?: number | 'auto';
  writesPerSec: number;
  loss?: number;
  regions: readonly string[];
  protocol?: string;
}): string {
  const parts = ['npx corro-sim', `--seed ${args.seed}`, `--scenario ${args.scenario}`];
  if (args.nodes !== undefined) parts.push(`--nodes ${args.nodes}`);
  parts.push(`--duration ${args.durationMs / 1000}`);
  if (args.healMs !== undefined && args.healMs !== 60_000) parts.push(`--heal ${args.healMs / 1000}`);
  // The CLI's default is auto; any other warm-up is spelled out.
  if (args.warmupMs !== undefined && args.warmupMs !== 'auto') parts.push(`--warmup ${args.warmupMs / 1000}`);
  parts.push(`--writes-per-sec ${args.writesPerSec}`);
  if (args.loss !== undefined) parts.push(`--loss ${args.loss}`);
  parts.push(`--regions ${args.regions.join(',')}`);
  if (args.protocol) parts.push(`--protocol ${args.protocol}`);
  return parts.join(' ');
}
