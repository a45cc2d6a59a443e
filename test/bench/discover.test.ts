import { describe, expect, it } from 'vitest';
import {
  benchNames,
  discover,
  followsConvention,
  moduleFollowsConvention,
  select,
  UnknownBenchError,
} from '../../bench/lib/discover.js';
import { isMain, optionsFromEnv } from '../../bench/lib/main.js';

describe('benchmark discovery', () => {
  it('takes every bench/*.ts except the harness, helpers and declarations', () => {
    expect(benchNames(['run.ts', 'store.ts', '_util.ts', 'x.d.ts', 'serf.ts', 'README.md', 'lib'])).toEqual([
      'serf',
      'store',
    ]);
  });

  it('finds the benchmarks of this repository', () => {
    const names = discover();
    expect(names).toContain('crsqlite');
    expect(names).not.toContain('run');
  });

  it('selects all by default, the named ones otherwise, and names the known ones on a typo', () => {
    const known = ['a', 'b', 'c'];
    expect(select([], known)).toEqual(known);
    expect(select(['c', 'a'], known)).toEqual(['a', 'c']);
    expect(() => select(['d'], known)).toThrow(UnknownBenchError);
    expect(() => select(['d'], known)).toThrow(/a, b, c/);
  });

  it('tells modules that follow the runIfMain convention from those that write results directly', () => {
    expect(followsConvention('export async function run() {}\nawait runIfMain(import.meta.url, run);')).toBe(
      true,
    );
    expect(followsConvention('printResult(r);\nwriteResult(r);')).toBe(false);
    expect(moduleFollowsConvention('crsqlite')).toBe(true);
  });

  it('reads the quick flag from argv or the environment', () => {
    expect(optionsFromEnv(['node', 'x.ts'], {})).toEqual({ quick: false });
    expect(optionsFromEnv(['node', 'x.ts', '--quick'], {})).toEqual({ quick: true });
    expect(optionsFromEnv(['node', 'x.ts'], { BENCH_QUICK: '1' })).toEqual({ quick: true });
  });

  it('a module imported by a test is not main, so importing a benchmark runs nothing', () => {
    expect(isMain(import.meta.url)).toBe(false);
  });
});
