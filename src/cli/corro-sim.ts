#!/usr/bin/env node
/**
 * corro-sim: runs the real corro code for many nodes in virtual time on a simulated network
 * and checks it. See docs/simulator.md.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { isRegion } from '../regions/latency.js';
import { REGIONS } from '../regions/matrix.js';
import { PROTOCOLS, protocolNames } from '../sim/adapters/index.js';
import { SimConfigError } from '../sim/errors.js';
import { isScenarioName, SCENARIO_NAMES } from '../sim/scenarios.js';
import { simulate } from '../sim/simulate.js';
import { runExperiments } from './corro-sim-experiments.js';

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got "${v}"`);
  return n;
};
const num = (name: string, min: number, maxExclusive: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n >= maxExclusive)
    throw new InvalidArgumentError(`${name} must be a number in [${min}, ${maxExclusive}), got "${v}"`);
  return n;
};
const warmupArg = (v: string): number | 'auto' => {
  if (v === 'auto') return v;
  return num('--warmup', 0, 1e7)(v);
};
const regionList = (v: string) => {
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((r) => !isRegion(r));
  if (list.length === 0 || bad.length > 0)
    throw new InvalidArgumentError(
      `unknown region(s) "${bad.join(',') || v}": use a comma list of ${REGIONS.join(',')}`,
    );
  return list;
};

const program = new Command()
  .name('corro-sim')
  .description(
    'Deterministic multi-node simulator: runs the real corro code in virtual time, with faults, and checks it.',
  )
  .option(
    '--nodes <n>',
    'cluster size (swarm picks it from the seed when omitted; others default to 20)',
    int('--nodes', 1, 100_000),
  )
  .option(
    '--seed <n>',
    'seed of every random choice (random when omitted; printed)',
    int('--seed', 0, 2 ** 32 - 1),
  )
  .option('--duration <seconds>', 'virtual length of the fault phase', num('--duration', 0.001, 1e7), 60)
  .option(
    '--warmup <seconds|auto>',
    'warm-up before the fault phase: nodes join, no writes or faults yet; auto = until the members agree (at most 120 s); 0 = none',
    warmupArg,
    'auto',
  )
  .option('--heal <seconds>', 'longest healing phase (ends early once converged)', num('--heal', 0, 1e7), 60)
  .option('--scenario <name|file.json>', `${SCENARIO_NAMES.join(', ')} or a scenario JSON file`, 'steady')
  .option(
    '--writes-per-sec <n>',
    'cluster-wide writes per second in the fault phase',
    num('--writes-per-sec', 0, 1e6),
    10,
  )
  .option('--loss <rate>', 'packet loss rate in [0, 1) for the whole fault phase', num('--loss', 0, 1))
  .option('--regions <list>', 'comma list of regions to spread nodes over', regionList, [...REGIONS])
  .option('--protocol <name>', 'which real code to drive (default: the most complete available)')
  .option('--out <dir>', 'where results.json, report.html and run-stats.json go', 'sim-out')
  .option(
    '--experiment <name>',
    'run a comparison with published results instead: detection, dissemination, false-positives, all',
  )
  .option('--no-progress', 'no progress bar')
  .showHelpAfterError();

/** heapUsed after a full garbage collection (gc exposed at run time for this one call). */
function liveHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<number> {
  program.parse();
  const o = program.opts<{
    nodes?: number;
    seed?: number;
    duration: number;
    heal: number;
    warmup: number | 'auto';
    scenario: string;
    writesPerSec: number;
    loss?: number;
    regions: string[];
    protocol?: string;
    out: string;
    progress: boolean;
    experiment?: string;
  }>();
  if (o.experiment !== undefined) return runExperiments(o.experiment, o.seed ?? 1, o.nodes, o.out);
  let scenarioJson: string | undefined;
  if (!isScenarioName(o.scenario)) {
    if (!existsSync(o.scenario)) {
      console.error(
        `corro-sim: --scenario "${o.scenario}" is neither a built-in (${SCENARIO_NAMES.join(', ')}) nor a file`,
      );
      return 2;
    }
    scenarioJson = readFileSync(o.scenario, 'utf8');
  }
  const names = protocolNames();
  const protoName = o.protocol ?? names[0];
  const load = protoName ? PROTOCOLS[protoName] : undefined;
  if (!load) {
    console.error(
      names.length === 0
        ? 'corro-sim: no protocol adapter is available in this build'
        : `corro-sim: unknown --protocol "${o.protocol}": use one of ${names.join(', ')}`,
    );
    return 2;
  }
  const seed = o.seed ?? randomInt(0, 2 ** 31);
  console.log(`corro-sim: scenario ${o.scenario}, seed ${seed}, protocol ${protoName}`);
  const protocol = await load();
  const bar =
    o.progress && process.stdout.isTTY
      ? new SingleBar({ format: ' {bar} {percentage}% | {value}/{total} virtual s | ETA {eta}s' })
      : null;
  let barStarted = false;
  let lastLine = 0;
  let liveHeap = 0;
  const wallStart = performance.now();
  const rssStart = process.memoryUsage().rss;
  const cpuStart = process.cpuUsage();
  const out = await simulate({
    seed,
    scenario: o.scenario,
    scenarioJson,
    scenarioPath: scenarioJson !== undefined ? o.scenario : undefined,
    nodes: o.nodes,
    durationMs: Math.round(o.duration * 1000),
    healMs: Math.round(o.heal * 1000),
    warmupMs: o.warmup === 'auto' ? 'auto' : Math.round(o.warmup * 1000),
    writesPerSec: o.writesPerSec,
    lossRate: o.loss,
    regions: o.regions,
    protocol,
    onProgress: (t, total, done) => {
      // Live heap: heapUsed after a full collection, taken once at the end of the run while
      // every node still exists (heapUsed alone counts garbage not yet collected).
      if (done) liveHeap = liveHeapBytes();
      if (!bar) {
        // Without a terminal (a long run in the background), one line per 10 virtual s.
        const tenS = Math.floor(t / 10_000);
        if (o.progress && tenS > lastLine) {
          lastLine = tenS;
          const cpuS = (process.cpuUsage(cpuStart).user + process.cpuUsage(cpuStart).system) / 1e6;
          console.error(
            `  ${Math.round(t / 1000)} / ${Math.round(total / 1000)} virtual s, cpu ${cpuS.toFixed(0)} s`,
          );
        }
        return;
      }
      if (!barStarted) {
        bar.start(Math.round(total / 1000), 0);
        barStarted = true;
      }
      bar.update(Math.round(t / 1000));
    },
  });
  bar?.stop();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time of this process: on a shared, loaded machine it is the honest cost figure.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const mem = process.memoryUsage();

  const dir = resolve(o.out);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), out.json);
  writeFileSync(join(dir, 'report.html'), out.html);
  const stats = {
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    eventsPerCpuSec: Math.round(out.results.run.eventsExecuted / (cpuMs / 1000)),
    eventsPerSec: Math.round(out.results.run.eventsExecuted / (wallMs / 1000)),
    virtualOverWall: +(out.results.run.endMs / wallMs).toFixed(2),
    rssMiB: +(mem.rss / 2 ** 20).toFixed(1),
    heapUsedMiB: +(mem.heapUsed / 2 ** 20).toFixed(1),
    rssGrowthPerNodeKiB: +((mem.rss - rssStart) / 1024 / out.scenario.nodes).toFixed(1),
    heapPerNodeKiB: +(mem.heapUsed / 1024 / out.scenario.nodes).toFixed(1),
    liveHeapMiB: +(liveHeap / 2 ** 20).toFixed(1),
    liveHeapPerNodeKiB: +(liveHeap / 1024 / out.scenario.nodes).toFixed(1),
    externalMiB: +(mem.external / 2 ** 20).toFixed(1),
    nodes: out.scenario.nodes,
  };
  writeFileSync(join(dir, 'run-stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
  console.log(out.summary);
  console.log(
    `\n  wall ${stats.wallMs} ms (cpu ${stats.cpuMs} ms), ${stats.eventsPerSec} events/s (${stats.eventsPerCpuSec} per cpu-s), virtual/wall ${stats.virtualOverWall}x, rss ${stats.rssMiB} MiB, heap ${stats.heapUsedMiB} MiB (${stats.heapPerNodeKiB} KiB/node), live heap after GC ${stats.liveHeapMiB} MiB (${stats.liveHeapPerNodeKiB} KiB/node), external ${stats.externalMiB} MiB`,
  );
  console.log(
    `  wrote ${join(dir, 'results.json')}, ${join(dir, 'report.html')}, ${join(dir, 'run-stats.json')}`,
  );
  if (!out.results.ok) {
    console.error(`\nFAILED seed=${seed}\nreplay: ${out.replay}`);
    return 1;
  }
  console.log(`\nPASS seed=${seed} (replay: ${out.replay})`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof SimConfigError) {
      console.error(`corro-sim: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  },
);
