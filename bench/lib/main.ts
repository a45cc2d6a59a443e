import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDocs } from './docs.js';
import { DOCS_PATH, DOCS_SKELETON } from './docs-skeleton.js';
import { killAll } from './processes.js';
import { type BenchResult, printResult, RESULTS_DIR, writeResult } from './result.js';

/** Where quick (smoke) runs write their results, away from the committed ones. */
export const QUICK_DIR = join(tmpdir(), 'corro-bench-quick');

/** Options every benchmark's `run` receives. */
export interface BenchOptions {
  /**
   * Smaller workloads and fewer repetitions, for a smoke run of the harness (`--quick` or
   * `BENCH_QUICK=1`). Figures from a quick run are marked as such in their notes.
   */
  quick: boolean;
}

/** The shape every benchmark module exports (see docs/benchmarks.md, "Writing a benchmark"). */
export type BenchRun = (opts: BenchOptions) => Promise<BenchResult>;

/** Reads the options from argv and the environment. */
export function optionsFromEnv(argv: readonly string[] = process.argv, env = process.env): BenchOptions {
  return { quick: argv.includes('--quick') || env.BENCH_QUICK === '1' };
}

/** True when the module with this `import.meta.url` is the script node was started with. */
export function isMain(importMetaUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const self = fileURLToPath(importMetaUrl);
  return resolve(script) === self || resolve(script) === self.replace(/\.ts$/, '');
}

/**
 * Runs a benchmark when its module is executed directly: measures, stamps wall time and
 * load, writes `bench/results/<name>.json`, prints the table, regenerates its section of
 * docs/benchmarks.md, and kills any child process left behind. Exits non-zero on failure.
 */
export async function runIfMain(importMetaUrl: string, run: BenchRun): Promise<void> {
  if (!isMain(importMetaUrl)) return;
  const t0 = performance.now();
  try {
    const result = await run(optionsFromEnv());
    result.wallS = (performance.now() - t0) / 1000;
    result.loadAvg1 = loadavg()[0];
    printResult(result);
    const opts = optionsFromEnv();
    if (opts.quick) {
      // A quick run is a smoke test of the harness: it must not overwrite real figures.
      const path = writeResult(result, QUICK_DIR);
      console.log(`quick run: wrote ${path} (bench/results and docs untouched)`);
    } else {
      const path = writeResult(result);
      writeDocs(RESULTS_DIR, DOCS_PATH, DOCS_SKELETON);
      console.log(`wrote ${path} and ${DOCS_PATH}`);
    }
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  } finally {
    await killAll();
  }
}
