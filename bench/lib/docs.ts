import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult, Figure } from './result.js';

/** The marker comments that delimit the generated section of one benchmark in docs/benchmarks.md. */
export function markers(name: string): { start: string; end: string } {
  return { start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` };
}

/**
 * Formats a number for a table: integers with thousands separators from 100 up, three
 * significant digits below. A non-finite value prints as is so that a bug shows.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (x === 0) return '0';
  return Number(x.toPrecision(3)).toString();
}

/** Ratios: two decimals, or three significant digits when that would show 0.00. */
function fmtRatio(x: number): string {
  return Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(2) : Number(x.toPrecision(2)).toString();
}

function cell(s: string | undefined): string {
  return (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(f: Figure): string {
  const spread = `${formatNumber(f.min)} .. ${formatNumber(f.max)} (n=${f.runs})`;
  const base = f.baseline ? `${cell(f.baseline.name)}: ${formatNumber(f.baseline.median)}` : '';
  const range = f.ratioRange
    ? ` (${fmtRatio(f.ratioRange.min)} .. ${fmtRatio(f.ratioRange.max)}, paired)`
    : '';
  const ratio = f.ratio !== undefined ? `${fmtRatio(f.ratio)} x${range}` : '';
  return `| ${cell(f.name)} | ${cell(f.impl)} | ${formatNumber(f.median)} | ${cell(f.unit)} | ${spread} | ${base} | ${ratio} | ${cell(f.goal)} | ${cell(f.note)} |`;
}

const HEADER = [
  '| figure | implementation | median | unit | spread (min .. max, runs) | baseline (same run) | ratio | goal | note |',
  '| --- | --- | ---: | --- | --- | --- | ---: | --- | --- |',
];

/** Renders one benchmark result as the markdown that goes between its markers. */
export function renderResult(r: BenchResult): string {
  const out: string[] = [];
  out.push(`### ${r.name}${r.title ? `: ${r.title}` : ''}`, '');
  const load = r.loadAvg1 !== undefined ? `, load average ${r.loadAvg1.toFixed(2)} at the end` : '';
  const wall = r.wallS !== undefined ? `, took ${Math.round(r.wallS)} s` : '';
  out.push(
    `Measured ${r.date} on ${r.machine.cpus} (${r.machine.cores} cores, ${r.machine.memGiB} GiB), Node ${r.node}${load}${wall}.`,
  );
  if (r.command) out.push(`Reproduce: \`${r.command}\`.`);
  out.push('');
  // Keep the order in which the benchmark listed its figures; a group starts a sub-table
  // the first time it appears.
  const groups: (string | undefined)[] = [];
  for (const f of r.figures) if (!groups.includes(f.group)) groups.push(f.group);
  for (const g of groups) {
    if (g !== undefined) out.push(`#### ${g}`, '');
    out.push(...HEADER);
    for (const f of r.figures) if (f.group === g) out.push(row(f));
    out.push('');
  }
  if (r.figures.length === 0) out.push('No figures were measured in this run.', '');
  for (const s of r.skipped ?? []) out.push(`- **Not measured: ${s.name}.** ${s.reason}`);
  if (r.skipped?.length) out.push('');
  for (const n of r.notes ?? []) out.push(`- ${n}`);
  if (r.notes?.length) out.push('');
  return out.join('\n').trimEnd();
}

/**
 * Replaces (or appends) the generated section of each result in a docs text, leaving every
 * other line, including hand-written prose between sections, untouched. Results are placed
 * in name order when appended, so regenerating is stable.
 */
export function updateDocs(text: string, results: readonly BenchResult[]): string {
  let out = text;
  for (const r of [...results].sort((a, b) => a.name.localeCompare(b.name))) {
    const { start, end } = markers(r.name);
    const block = `${start}\n${renderResult(r)}\n${end}`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i >= 0 && j > i) {
      out = out.slice(0, i) + block + out.slice(j + end.length);
    } else {
      out = `${out.trimEnd()}\n\n${block}\n`;
    }
  }
  return out;
}

/** Reads every `*.json` result in a folder, skipping files that are not a BenchResult. */
export function readResults(dir: string): BenchResult[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: BenchResult[] = [];
  for (const n of names.sort()) {
    try {
      const r = JSON.parse(readFileSync(join(dir, n), 'utf8')) as BenchResult;
      if (typeof r.name === 'string' && Array.isArray(r.figures)) out.push(r);
    } catch {
      // A half-written or foreign JSON file is not a result; the docs skip it.
    }
  }
  return out;
}

/** Regenerates the marked sections of `docPath` from the results in `resultsDir`. */
export function writeDocs(resultsDir: string, docPath: string, skeleton: string): void {
  let text: string;
  try {
    text = readFileSync(docPath, 'utf8');
  } catch {
    text = skeleton;
  }
  writeFileSync(docPath, updateDocs(text, readResults(resultsDir)));
}
