import type { SimResults } from './results.js';
import { fig } from './stats.js';
import { lineChart } from './svg-chart.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * report.html: a self-contained page (inline SVG, no scripts) with the run's verdicts, its
 * key figures and four charts: CDF of propagation time, fraction of nodes holding a write
 * over time, bytes per node over time, membership view over time.
 */
export function reportHtml(r: SimResults, replayCommand: string): string {
  const sec = (rows: readonly Record<string, number>[], key: string): [number, number][] =>
    rows.map((s) => [(s.t ?? 0) / 1000, s[key] ?? 0]);
  const p = r.propagation;
  const charts: string[] = [];
  if (p.cdf.length > 0) {
    charts.push(
      lineChart({
        title: 'CDF of propagation time (write -> node)',
        xLabel: 'ms after the write',
        yLabel: 'fraction of (write, node) pairs',
        yRange: [0, 1],
        series: [{ name: 'propagation', color: '#1f77b4', points: p.cdf }],
        markers: [{ x: p.lowerBoundMs, label: `lower bound ${p.lowerBoundMs} ms` }],
      }),
    );
    charts.push(
      lineChart({
        title: 'Fraction of nodes holding a write over time',
        xLabel: 'ms after the write',
        yLabel: 'mean fraction of nodes',
        yRange: [0, 1],
        series: [{ name: 'holding', color: '#2ca02c', points: p.heldOverTime }],
      }),
    );
  }
  charts.push(
    lineChart({
      title: 'Bytes sent per node per second',
      xLabel: 'virtual time (s)',
      yLabel: 'bytes/s',
      series: [
        { name: 'mean over live nodes', color: '#1f77b4', points: sec(r.series, 'bytesPerNodePerSec') },
        { name: 'busiest node', color: '#ff7f0e', points: sec(r.series, 'maxBytesPerNodePerSec') },
      ],
      markers: [{ x: r.run.faultEndMs / 1000, label: 'healing' }],
    }),
  );
  charts.push(
    lineChart({
      title: 'Membership view over time (sampled observers)',
      xLabel: 'virtual time (s)',
      yLabel: 'members seen alive',
      series: [
        {
          name: 'live nodes - 1 (truth)',
          color: '#000',
          points: r.series.map((s) => [(s.t ?? 0) / 1000, Math.max(0, (s.liveNodes ?? 0) - 1)]),
        },
        { name: 'mean seen alive', color: '#1f77b4', points: sec(r.series, 'viewAliveMean') },
        { name: 'min seen alive', color: '#d62728', points: sec(r.series, 'viewAliveMin') },
        { name: 'max seen alive', color: '#2ca02c', points: sec(r.series, 'viewAliveMax') },
      ],
      markers: [{ x: r.run.faultEndMs / 1000, label: 'healing' }],
    }),
  );
  const checks = r.checks
    .map(
      (c) =>
        `<tr><td>${esc(c.name)}</td><td class="${c.ok ? 'ok' : 'bad'}">${c.applicable ? (c.ok ? 'pass' : 'FAIL') : 'n/a'}</td><td>${esc(c.detail)}${c.failures.length ? `<ul>${c.failures.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : ''}</td></tr>`,
    )
    .join('\n');
  const m = r.membership;
  const figures: [string, string][] = [
    [
      'propagation per write p50 / p99 / max',
      `${fig(p.full.p50)} / ${fig(p.full.p99)} / ${fig(p.full.max)} ms`,
    ],
    [
      'lower bound from the latency matrix',
      `${p.lowerBoundMs} ms (p99 / bound = ${fig(p.p99OverLowerBound)})`,
    ],
    ['writes acknowledged / incomplete', `${p.acknowledged} / ${p.incomplete}`],
    ['membership first agreement', m.firstAgreementMs === null ? 'never' : `${m.firstAgreementMs} ms`],
    [
      'converged after healing',
      r.run.convergedAfterHealMs === null ? 'NO' : `${r.run.convergedAfterHealMs} ms`,
    ],
    ['false suspicions / false deaths', `${m.falseSuspicions} / ${m.falseDeaths}`],
    ['suspicions / deaths of paused or slow nodes', `${m.pausedSuspicions} / ${m.pausedDeaths}`],
    ['suspicions / deaths during partitions', `${m.partitionSuspicions} / ${m.partitionDeaths}`],
    ['stale suspicions / deaths of restarted nodes', `${m.staleSuspicions} / ${m.staleDeaths}`],
    [
      'crash detection: first suspicion p50 / max',
      `${fig(m.firstDetection.p50)} / ${fig(m.firstDetection.max)} ms (${m.crashes} crashes, ${m.undetected} undetected)`,
    ],
    [
      'crash detection: all live nodes see dead p50 / max',
      `${fig(m.allDead.p50)} / ${fig(m.allDead.max)} ms`,
    ],
    [
      'messages / bytes per node per second',
      `${fig(r.traffic.msgsPerNodePerSec)} / ${fig(r.traffic.bytesPerNodePerSec)}`,
    ],
    [
      'the same in the fault phase (join left out)',
      `${fig(r.traffic.faultPhase?.msgsPerNodePerSec ?? null)} / ${fig(r.traffic.faultPhase?.bytesPerNodePerSec ?? null)}`,
    ],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>corro-sim ${esc(r.scenario.name)} seed ${r.seed}</title>
<style>body{font-family:sans-serif;max-width:1340px;margin:24px auto;padding:0 16px;color:#222}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.ok{color:#080;font-weight:bold}.bad{color:#c00;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:16px}
code{background:#f4f4f4;padding:2px 4px}</style></head><body>
<h1>corro-sim: ${esc(r.scenario.name)} <span class="${r.ok ? 'ok' : 'bad'}">${r.ok ? 'PASS' : 'FAIL'}</span></h1>
<p>${esc(r.scenario.description)}</p>
<p>seed <b>${r.seed}</b>, protocol <b>${esc(r.protocol)}</b>, ${r.scenario.nodes} nodes over ${esc(r.scenario.regions.join(', '))},
warm-up ${r.run.faultStartMs} ms, fault phase ${r.scenario.durationMs} ms, ${r.scenario.writesPerSec} writes/s, ${r.run.eventsExecuted} events.
Replay: <code>${esc(replayCommand)}</code></p>
<h2>Checks</h2><table><tr><th>checker</th><th>verdict</th><th>detail</th></tr>
${checks}</table>
<h2>Figures</h2><table>${figures.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('\n')}</table>
<h2>Charts</h2><div class="charts">
${charts.join('\n')}
</div>
<p>Latency matrix: ${esc(r.latencySource)}</p>
</body></html>
`;
}
