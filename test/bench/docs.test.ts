import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatNumber,
  markers,
  readResults,
  renderResult,
  updateDocs,
  writeDocs,
} from '../../bench/lib/docs.js';
import type { BenchResult } from '../../bench/lib/result.js';
import { writeResult } from '../../bench/lib/result.js';

function result(name: string, median: number, extra: Partial<BenchResult> = {}): BenchResult {
  return {
    name,
    date: '2026-01-01T00:00:00.000Z',
    machine: { cpus: 'Test CPU', cores: 2, memGiB: 8 },
    node: 'v20.0.0',
    figures: [
      { name: 'writes', unit: 'rows/s', median, min: median - 1, max: median + 1, runs: 5, group: 'local' },
      {
        name: 'apply',
        unit: 'rows/s',
        median: 50,
        min: 40,
        max: 60,
        runs: 5,
        group: 'remote',
        baseline: { name: 'raw | native', median: 100, min: 90, max: 110 },
        ratio: 0.5,
        impl: 'corro',
      },
    ],
    ...extra,
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('docs generator', () => {
  it('renders machine, node, date, median, spread, baseline and ratio', () => {
    const md = renderResult(result('store', 12345, { loadAvg1: 1.5, command: 'npm run bench -- store' }));
    expect(md).toContain('Test CPU (2 cores, 8 GiB), Node v20.0.0');
    expect(md).toContain('2026-01-01T00:00:00.000Z');
    expect(md).toContain('load average 1.50');
    expect(md).toContain('| writes |  | 12,345 | rows/s | 12,344 .. 12,346 (n=5) |');
    // A pipe inside a cell must not break the table.
    expect(md).toContain('raw \\| native: 100 | 0.50 x |');
    expect(md).toContain('#### local');
    expect(md).toContain('#### remote');
    expect(md).toContain('`npm run bench -- store`');
  });

  it('renders a paired ratio with its range, and tiny ratios legibly', () => {
    const r = result('p', 1);
    r.figures = [
      {
        name: 'a',
        unit: 'x',
        median: 1,
        min: 1,
        max: 1,
        runs: 2,
        ratio: 0.5,
        ratioRange: { min: 0.4, max: 0.6 },
      },
      { name: 'b', unit: 'x', median: 1, min: 1, max: 1, runs: 1, ratio: 0.0034 },
    ];
    const md = renderResult(r);
    expect(md).toContain('| 0.50 x (0.40 .. 0.60, paired) |');
    expect(md).toContain('| 0.0034 x |');
  });

  it('says when a baseline was skipped, with its reason', () => {
    const md = renderResult(
      result('serf', 1, { skipped: [{ name: 'serf', reason: 'apt-get failed: no network' }] }),
    );
    expect(md).toContain('Not measured: serf.** apt-get failed: no network');
  });

  it('replaces only the marked section and keeps hand-written prose', () => {
    const { start, end } = markers('store');
    const text = `# Benchmarks\n\nIntro prose.\n\n${start}\nold table\n${end}\n\n## Notes by hand\nkeep me\n`;
    const out = updateDocs(text, [result('store', 777)]);
    expect(out).toContain('Intro prose.');
    expect(out).toContain('## Notes by hand\nkeep me');
    expect(out).not.toContain('old table');
    expect(out).toContain('| 777 |');
    expect(out.indexOf(start)).toBeLessThan(out.indexOf('## Notes by hand'));
    // Idempotent: regenerating from the same results changes nothing.
    expect(updateDocs(out, [result('store', 777)])).toBe(out);
  });

  it('appends sections for new results in name order', () => {
    const out = updateDocs('# B\n', [result('zeta', 1), result('alpha', 2)]);
    expect(out.indexOf(markers('alpha').start)).toBeGreaterThan(0);
    expect(out.indexOf(markers('alpha').start)).toBeLessThan(out.indexOf(markers('zeta').start));
  });

  it('formats numbers for people', () => {
    expect(formatNumber(1234567.8)).toBe('1,234,568');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('writes docs from a results folder and ignores foreign JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-docs-'));
    dirs.push(dir);
    writeResult(result('one', 5), dir);
    writeFileSync(join(dir, 'junk.json'), '{"not": "a result"}');
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(readResults(dir).map((r) => r.name)).toEqual(['one']);
    const doc = join(dir, 'benchmarks.md');
    writeDocs(dir, doc, '# Skeleton\n');
    const text = readFileSync(doc, 'utf8');
    expect(text.startsWith('# Skeleton')).toBe(true);
    expect(text).toContain(markers('one').end);
    expect(readResults(join(dir, 'missing'))).toEqual([]);
  });
});
