/**
 * The benchmark harness. `npm run bench` runs every benchmark in bench/ one after another,
 * each in its own Node process (so that one benchmark's heap, native handles and child
 * processes cannot distort the next one's memory or timing figures), then regenerates the
 * tables of docs/benchmarks.md from bench/results/*.json.
 *
 *   npm run bench                    # all of them
 *   npm run bench -- crsqlite serf   # only these
 *   npm run bench -- --list          # names only
 *   npm run bench -- --quick NAME    # smoke run: small workloads, results to a temp folder
 *   npm run bench -- --timeout-min 20
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR, discover, moduleFollowsConvention, select } from './lib/discover.js';
import { writeDocs } from './lib/docs.js';
import { DOCS_PATH, DOCS_SKELETON } from './lib/docs-skeleton.js';
import { RESULTS_DIR } from './lib/result.js';

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  detail: string;
}

function parseArgs(argv: string[]): { names: string[]; quick: boolean; list: boolean; timeoutMin: number } {
  const names: string[] = [];
  let quick = false;
  let list = false;
  let timeoutMin = 40;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--quick') quick = true;
    else if (a === '--list') list = true;
    else if (a === '--timeout-min') timeoutMin = Number(argv[++i]);
    else if (a.startsWith('--'))
      throw new Error(`unknown option ${a}; use --quick, --list or --timeout-min N`);
    else names.push(a);
  }
  if (!(timeoutMin > 0)) throw new Error('--timeout-min needs a positive number of minutes');
  return { names, quick, list, timeoutMin };
}

/** Runs one benchmark module in a child process, killing its process group at the deadline. */
function runOne(name: string, quick: boolean, timeoutMin: number): Promise<Outcome> {
  const t0 = performance.now();
  const file = join(BENCH_DIR, `${name}.ts`);
  const args = ['--import', 'tsx', file, ...(quick ? ['--quick'] : [])];
  return new Promise((resolve) => {
    // detached: the child leads its own process group, so a timeout can kill it and every
    // process it started (serf agents, node peers) with one signal.
    const child = spawn(process.execPath, args, { stdio: 'inherit', detached: true });
    let timedOut = false;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
    }, timeoutMin * 60_000);
    const onSignal = () => killGroup('SIGKILL');
    process.once('SIGINT', onSignal);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      // Whatever the child left in its group (it should have killed everything itself).
      killGroup('SIGKILL');
      const seconds = (performance.now() - t0) / 1000;
      const ok = code === 0 && !timedOut;
      const detail = timedOut
        ? `timed out after ${timeoutMin} min`
        : signal
          ? `killed by ${signal}`
          : `exit ${code}`;
      resolve({ name, ok, seconds, detail });
    });
  });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const known = discover();
  if (opts.list) {
    console.log(known.join('\n'));
    return;
  }
  const chosen = select(opts.names, known);
  const outcomes: Outcome[] = [];
  for (const name of chosen) {
    if (opts.quick && !moduleFollowsConvention(name)) {
      console.log(
        `\n######## bench ${name}: skipped in a quick run (it does not use runIfMain, so it would run full size)`,
      );
      continue;
    }
    console.log(`\n######## bench ${name}${opts.quick ? ' (quick)' : ''}`);
    outcomes.push(await runOne(name, opts.quick, opts.timeoutMin));
  }
  if (!opts.quick) writeDocs(RESULTS_DIR, DOCS_PATH, DOCS_SKELETON);
  console.log('\n######## summary');
  for (const o of outcomes)
    console.log(`${o.ok ? 'ok  ' : 'FAIL'} ${o.name.padEnd(20)} ${o.seconds.toFixed(0)} s  ${o.detail}`);
  if (!opts.quick) console.log(`docs: ${DOCS_PATH}`);
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
