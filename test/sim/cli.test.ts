import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/corro-sim.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('corro-sim command line', () => {
  it('prints help with every flag', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const flag of [
      '--nodes',
      '--seed',
      '--duration',
      '--scenario',
      '--writes-per-sec',
      '--loss',
      '--regions',
      '--out',
    ])
      expect(r.stdout).toContain(flag);
  });

  it('rejects bad flags with a clear message', () => {
    const bad: [string[], RegExp][] = [
      [['--nodes', 'ten'], /--nodes must be an integer/],
      [['--loss', '1.5'], /--loss must be a number in \[0, 1\)/],
      [['--regions', 'iad,mars'], /unknown region\(s\) "mars"/],
      [['--scenario', 'nope'], /neither a built-in/],
    ];
    for (const [args, msg] of bad) {
      const r = cli(...args);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(msg);
    }
  });
});
