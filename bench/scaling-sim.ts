/**
 * corro-sim at fleet scale: how fast a write reaches every node and what each node sends, for
 * N = 10, 100 and 1000 simulated nodes spread over the world-wide latency matrix
 * (src/regions/matrix.ts), beside the lower bound that matrix allows (the largest one-way
 * latency from the writer to any node: no protocol can be faster).
 *
 * The simulator runs the real protocol code in virtual time; the figures are virtual-time
 * figures and do not depend on the machine's load (wall time does and is reported too).
 * Each N runs with several seeds; a figure is the median over seeds with its spread.
 *
 * Run: npm run bench -- scaling-sim
 */

import { join } from 'node:path';
import { REGIONS } from '../src/regions/matrix.js';
import { PROTOCOLS } from '../src/sim/adapters/index.js';
import type { SimResults } from '../src/sim/results.js';
import { type BenchOptions, runIfMain } from './lib/main.js';
import { exited, spawnTracked } from './lib/processes.js';
import { type BenchResult, newResult } from './lib/result.js';

/** Keeps figures the simulator measured (it reports `null`, not 0, for what it could not). */
const measured = (x: number | null): x is number => x !== null;

import { comparedPaired, figure } from './lib/stats.js';

/** One cluster size, how many seeds it runs with, and the wall-time bound of one run. */
export interface SimPoint {
  /**
   * `full`: the best protocol that carries writes through the real store (see
   * `pickProtocol`); `dissemination`: membership with writes as gossiped broadcasts (the
   * gossip layer alone, much cheaper to simulate).
   */
  kind: 'full' | 'dissemination';
  nodes: number;
  seeds: number;
  /** A run still going after this many wall seconds is stopped and reported as not finished. */
  maxWallS: number;
}

/** Sizes of a run. */
export interface SimScalingSize {
  points: SimPoint[];
  /** Virtual length of the steady phase with writes, ms. */
  durationMs: number;
  /** Longest healing phase after it, ms (ends early once converged). */
  healMs: number;
  /** Cluster-wide writes per second. */
  writesPerSec: number;
}

/** Full and quick sizes. */
export function simScalingSize(quick: boolean): SimScalingSize {
  return quick
    ? {
        points: [
          { kind: 'full', nodes: 10, seeds: 1, maxWallS: 120 },
          { kind: 'dissemination', nodes: 30, seeds: 1, maxWallS: 120 },
        ],
        durationMs: 5000,
        healMs: 5000,
        writesPerSec: 5,
      }
    : {
        points: [
          { kind: 'full', nodes: 10, seeds: 3, maxWallS: 300 },
          { kind: 'full', nodes: 100, seeds: 2, maxWallS: 900 },
          { kind: 'full', nodes: 1000, seeds: 1, maxWallS: 2700 },
        ],
        durationMs: 10_000,
        healMs: 10_000,
        writesPerSec: 10,
      };
}

/**
 * The protocol that carries writes in this build: the full agent (store + replication) when
 * the simulator has it, else membership with writes as gossiped broadcasts (dissemination
 * only, no store).
 */
export function pickProtocol(names: readonly string[]): string | undefined {
  return ['agent', 'replication', 'membership-broadcast'].find((n) => names.includes(n));
}

/** Runs one simulation in a child process, bounded in wall time; undefined when it did not finish. */
async function runPoint(
  protocol: string,
  seed: number,
  nodes: number,
  sz: SimScalingSize,
  maxWallS: number,
): Promise<{ results: SimResults; wallS: number } | undefined> {
  const arg = JSON.stringify({
    protocol,
    seed,
    nodes,
    durationMs: sz.durationMs,
    healMs: sz.healMs,
    writesPerSec: sz.writesPerSec,
    warmupMs: 'auto',
  });
  const child = spawnTracked(
    process.execPath,
    // A 1000-agent run holds ~4 GB of heap, above Node's default limit.
    [
      '--max-old-space-size=8000',
      '--import',
      'tsx',
      join(import.meta.dirname, 'lib', 'sim-point-child.ts'),
      arg,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), maxWallS * 1000);
  await exited(child);
  clearTimeout(timer);
  if (child.exitCode !== 0) return undefined;
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { results: SimResults; wallS: number };
}

/** Runs the scaling benchmark; see the module comment. */
export async function run(opts: BenchOptions): Promise<BenchResult> {
  const sz = simScalingSize(opts.quick);
  const result = newResult('scaling-sim');
  result.title = 'corro-sim: propagation and per-node bandwidth by cluster size, world-wide latency matrix';
  result.command = 'npm run bench -- scaling-sim';
  result.notes = [];
  result.skipped = [];
  const full = pickProtocol(Object.keys(PROTOCOLS));
  const used = new Set<string>();
  for (const p of sz.points) {
    const name = p.kind === 'full' ? full : 'membership-broadcast';
    if (!name || !PROTOCOLS[name]) {
      result.skipped.push({
        name: `N = ${p.nodes} (${p.kind})`,
        reason: 'no simulator protocol for it in this build',
      });
      continue;
    }
    used.add(name);
    const runs: SimResults[] = [];
    const wallS: number[] = [];
    const failed: string[] = [];
    for (let seed = 1; seed <= p.seeds; seed++) {
      const out = await runPoint(name, seed, p.nodes, sz, p.maxWallS);
      if (!out) {
        result.skipped.push({
          name: `N = ${p.nodes}, seed ${seed}`,
          reason: `the simulation did not finish within ${p.maxWallS} s of wall time on this shared, loaded 2-core machine (or failed; see the log); no figure is given for it`,
        });
        console.log(`N=${p.nodes} seed=${seed}: did not finish within ${p.maxWallS} s`);
        continue;
      }
      wallS.push(out.wallS);
      runs.push(out.results);
      for (const c of out.results.checks) if (!c.ok) failed.push(`seed ${seed}: ${c.name}`);
      console.log(
        `N=${p.nodes} seed=${seed}: ${out.wallS.toFixed(1)} s wall, p99 ${out.results.propagation.full.p99} ms`,
      );
    }
    if (runs.length === 0) continue;
    const g = `N = ${p.nodes} (${runs.length} seed${runs.length === 1 ? '' : 's'}, ${name})`;
    const impl = `corro-sim, protocol ${name}`;
    const lb = runs.map((r) => r.propagation.lowerBoundMs);
    // A write that reached every node has a full-propagation time; when no write of a run
    // did (say the cluster had not finished forming), the simulator's summary of that run is
    // empty and is left out rather than read as 0 ms.
    const reached = runs.filter((r) => r.propagation.full.count > 0);
    const lbReached = reached.map((r) => r.propagation.lowerBoundMs);
    if (reached.length < runs.length)
      result.notes.push(
        `N = ${p.nodes} (${name}): in ${runs.length - reached.length} of ${runs.length} runs no write reached every node, so those runs have no full-propagation time; see the per-node figures and the count of writes held everywhere.`,
      );
    if (reached.length > 0)
      result.figures.push(
        figure(
          'propagation to all nodes, p50 over writes',
          'ms',
          reached.map((r) => r.propagation.full.p50).filter(measured),
          { group: g, impl },
        ),
        comparedPaired(
          'propagation to all nodes, p99 over writes',
          'ms',
          reached.map((r) => r.propagation.full.p99).filter(measured),
          { name: 'lower bound', samples: lbReached },
          { group: g, impl, goal: p.nodes >= 1000 ? 'p99 <= 2 x lower bound' : undefined },
        ),
      );
    const perNode = runs.filter((r) => r.propagation.perNode.count > 0);
    if (perNode.length > 0)
      result.figures.push(
        figure(
          'propagation to each node, p50 over (write, node)',
          'ms',
          perNode.map((r) => r.propagation.perNode.p50).filter(measured),
          {
            group: g,
            impl,
          },
        ),
        figure(
          'propagation to each node, p99 over (write, node)',
          'ms',
          perNode.map((r) => r.propagation.perNode.p99).filter(measured),
          {
            group: g,
            impl,
          },
        ),
      );
    result.figures.push(
      figure(
        'writes held by every node at the end',
        '% of writes',
        runs.map((r) =>
          r.propagation.writes > 0
            ? (100 * (r.propagation.writes - r.propagation.incomplete)) / r.propagation.writes
            : 0,
        ),
        { group: g, impl, note: `${runs[0]?.propagation.writes ?? 0} writes in the first run` },
      ),
      figure('lower bound the matrix allows', 'ms', lb, {
        group: g,
        impl: 'latency matrix',
        note: 'largest over writes of the max one-way latency from the writer to any node',
      }),
      figure(
        'bytes sent per node per second',
        'B/node/s',
        runs.map((r) => r.traffic.bytesPerNodePerSec).filter(measured),
        { group: g, impl, note: 'whole run: join, writes and healing' },
      ),
      figure(
        'bytes sent per node per second while writing',
        'B/node/s',
        runs.map((r) => r.traffic.faultPhase?.bytesPerNodePerSec ?? null).filter(measured),
        { group: g, impl, note: 'the write phase alone: the join storm left out' },
      ),
      figure('wall time of one run', 's', wallS, {
        group: g,
        impl: 'this machine (loaded)',
        note: `${runs[0]?.run.eventsExecuted ?? 0} events in the first run`,
      }),
    );
    if (failed.length)
      result.notes.push(`N = ${p.nodes} (${name}): checkers that failed: ${failed.join('; ')}.`);
  }
  result.notes.push(
    `Scenario steady after an automatic warm-up (writes start once the members agree, corro-sim --warmup auto): ${sz.writesPerSec} writes/s cluster-wide for ${sz.durationMs / 1000} virtual s, then up to ${sz.healMs / 1000} s of healing; nodes spread over the ${REGIONS.length} regions of the matrix (${REGIONS.join(', ')}); no loss.`,
    ...[...used].map((u) =>
      u === 'membership-broadcast'
        ? 'Protocol "membership-broadcast": the real membership (SWIM + Lifeguard, lan preset) with each write sent as a user broadcast through its transmit-limited gossip queue: the dissemination layer alone, no store, no anti-entropy. Cheap enough to simulate at 1000 nodes here.'
        : `Protocol "${u}": the real agent (store on in-memory SQLite, replication: direct or two-hop push then gossip, anti-entropy over in-memory channels, membership), every write a real SQL write replicated as a changeset.`,
    ),
    'Propagation to all nodes: virtual ms from a write until every node that was up holds it; p50 and p99 over the writes of a run that reached every node; the ratio column of p99 divides by the lower bound. Propagation to each node: the same per (write, node) pair, over every node that got the write.',
    'Bytes per node per second: every byte the simulated network carried from a node, over node-seconds; "while writing" counts only the samples of the write phase (after the warm-up, before healing).',
  );
  if (opts.quick) result.notes.push('QUICK smoke run: small clusters, short; not a real figure.');
  return result;
}

await runIfMain(import.meta.url, run);
