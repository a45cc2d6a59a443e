import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** One measured figure: the median of repeated runs, with its spread. */
export interface Figure {
  /** What was measured, e.g. "single-row transactions". */
  name: string;
  /** Unit of `median`, e.g. "rows/s", "ms", "bytes/row". */
  unit: string;
  median: number;
  /** Smallest and largest of the runs. */
  min: number;
  max: number;
  /** Number of runs the median is taken over. */
  runs: number;
  /** The baseline measured in the same run, if this figure is a comparison. */
  baseline?: { name: string; median: number; min: number; max: number };
  /** `median / baseline.median`, or, when `ratioRange` is present, the median of per-repetition ratios. */
  ratio?: number;
  /**
   * Present when each sample was paired with the baseline sample of the same repetition: the
   * smallest and largest of those per-repetition ratios (`ratio` is then their median). On a
   * loaded machine paired ratios are steadier than a ratio of medians.
   */
  ratioRange?: { min: number; max: number };
  /** A goal from DESIGN.md, in words, e.g. ">= 0.5 x raw". */
  goal?: string;
  /** Anything a reader needs: workload, caveats, why a baseline could not run. */
  note?: string;
  /**
   * Optional section heading the docs table groups this figure under, e.g. "local writes".
   * Figures without a group go in one table in the order given.
   */
  group?: string;
  /** What produced the figure when a table compares implementations, e.g. "cr-sqlite 0.16 (WASM)". */
  impl?: string;
}

/** The results of one benchmark, written to `bench/results/<name>.json`. */
export interface BenchResult {
  name: string;
  date: string;
  machine: { cpus: string; cores: number; memGiB: number };
  node: string;
  figures: Figure[];
  /** Baselines that could not run, with the reason (never a made-up figure). */
  skipped?: { name: string; reason: string }[];
  /** 1-minute load average when the benchmark finished (the machine is shared; a high load inflates spreads). */
  loadAvg1?: number;
  /** Free-form notes about the whole run: methods, workload, environment. Rendered under the table. */
  notes?: string[];
  /** Wall time the whole benchmark took, in seconds. */
  wallS?: number;
  /** A one-line heading for the docs section, e.g. "corro store vs cr-sqlite vs raw SQLite". */
  title?: string;
  /** The command that reproduces the result, e.g. "npm run bench -- crsqlite". */
  command?: string;
}

/** Median, min and max of a non-empty list of samples. */
export function summarize(samples: number[]): { median: number; min: number; max: number; runs: number } {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, runs: s.length };
}

/** Builds a result envelope with the machine description filled in. */
export function newResult(name: string, figures: Figure[] = []): BenchResult {
  const c = cpus();
  return {
    name,
    date: new Date().toISOString(),
    machine: { cpus: c[0]?.model ?? 'unknown', cores: c.length, memGiB: Math.round(totalmem() / 2 ** 30) },
    node: process.version,
    figures,
  };
}

/** The folder every benchmark writes its JSON into: `bench/results/`. */
export const RESULTS_DIR = join(import.meta.dirname, '..', 'results');

/** Writes `bench/results/<name>.json` (or `<dir>/<name>.json`) and returns its path. */
export function writeResult(result: BenchResult, dir: string = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.name}.json`);
  writeFileSync(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}

/** Prints a result as an aligned table on stdout. */
export function printResult(result: BenchResult): void {
  console.log(`\n== ${result.name} (${result.machine.cores} cores, node ${result.node})`);
  for (const f of result.figures) {
    const base = f.baseline ? `  baseline ${f.baseline.name}: ${fmt(f.baseline.median)}` : '';
    const ratio = f.ratio !== undefined ? `  ratio ${f.ratio.toFixed(2)}` : '';
    console.log(
      `${(f.impl ? `${f.name} [${f.impl}]` : f.name).padEnd(60)} ${fmt(f.median).padStart(12)} ${f.unit.padEnd(10)} [${fmt(f.min)}..${fmt(f.max)}] n=${f.runs}${base}${ratio}`,
    );
  }
  for (const s of result.skipped ?? []) console.log(`SKIPPED ${s.name}: ${s.reason}`);
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3);
}
