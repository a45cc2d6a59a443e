import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The folder holding the benchmark modules (`bench/*.ts`). */
export const BENCH_DIR = join(import.meta.dirname, '..');

/**
 * Benchmark names from a list of file names in bench/: every `NAME.ts` except the harness
 * itself (`run.ts`), helpers whose name starts with `_`, and declaration files. Sorted so the
 * run order is stable.
 */
export function benchNames(files: readonly string[]): string[] {
  return files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Benchmark names found in bench/ now. */
export function discover(dir: string = BENCH_DIR): string[] {
  return benchNames(
    readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name),
  );
}

/** Thrown when `npm run bench -- NAME` names a benchmark that does not exist. */
export class UnknownBenchError extends Error {
  constructor(name: string, known: readonly string[]) {
    super(`unknown benchmark "${name}"; run one of: ${known.join(', ')} (or none to run them all)`);
    this.name = 'UnknownBenchError';
  }
}

/** The benchmarks to run for the names given on the command line (all when none given). */
export function select(requested: readonly string[], known: readonly string[]): string[] {
  if (requested.length === 0) return [...known];
  for (const r of requested) if (!known.includes(r)) throw new UnknownBenchError(r, known);
  return known.filter((k) => requested.includes(k));
}

/**
 * Whether a benchmark module follows the harness convention (ends with `runIfMain`, so it
 * honours `--quick` and writes quick results away from bench/results). Modules that write
 * their result directly are still run by `npm run bench`, but not in a quick run, where they
 * would run full size and overwrite their committed figures.
 */
export function followsConvention(source: string): boolean {
  return /\brunIfMain\s*\(/.test(source);
}

/** `followsConvention` for the module `bench/NAME.ts`. */
export function moduleFollowsConvention(name: string, dir: string = BENCH_DIR): boolean {
  return followsConvention(readFileSync(join(dir, `${name}.ts`), 'utf8'));
}
