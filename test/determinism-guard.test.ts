import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Protocol code must take time, timers and randomness from the injected Runtime, so that
// corro-sim can replay any run from its seed. Only the real runtime module (and the process
// entry points under src/cli, which wire the real world in) may touch the ambient ones.
const ALLOWED = [/^src\/runtime\/real-runtime\.ts$/, /^src\/cli\//];
const FORBIDDEN = [
  /\bDate\.now\s*\(/,
  /\bMath\.random\s*\(/,
  /\bsetTimeout\s*\(/,
  /\bsetInterval\s*\(/,
  /\bsetImmediate\s*\(/,
  /\bperformance\.now\s*\(/,
  /\bnew Date\s*\(\s*\)/,
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('determinism guard', () => {
  const root = join(import.meta.dirname, '..');
  const files = walk(join(root, 'src')).map((f) => relative(root, f));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it('no module outside the real runtime reads the clock, timers or ambient randomness', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (ALLOWED.some((re) => re.test(file))) continue;
      const src = stripComments(readFileSync(join(root, file), 'utf8'));
      for (const re of FORBIDDEN) if (re.test(src)) offenders.push(`${file}: ${re.source}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the guard bites on a planted call', () => {
    const planted = stripComments('const t = Date.now(); // fine in a comment: Math.random()');
    expect(FORBIDDEN.some((re) => re.test(planted))).toBe(true);
    expect(FORBIDDEN.filter((re) => re.test(planted))).toHaveLength(1);
  });
});
