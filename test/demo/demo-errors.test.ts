import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const demo = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts', '--plain', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm start: clear messages for what it cannot do', () => {
  it('--help prints the usage and exits 0', () => {
    const r = demo(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--keep-running');
  });

  it('a bad flag exits 2 naming it', () => {
    const r = demo(['--nodes', '99']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--nodes must be an integer in 3..10');
    expect(demo(['--bogus']).stderr).toContain("Unknown option '--bogus'");
  });

  it('a data directory it cannot write exits 1 with the reason, starting nothing', () => {
    const r = demo(['--data-dir', '/proc/corro-demo-test']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /cannot write to --data-dir \/proc\/corro-demo-test \((ENOENT|EACCES|EROFS|EPERM)\)/,
    );
    expect(r.stdout).not.toContain('starting');
  });

  it('a port in use in --base-port exits 1 naming the port, with no agent left', async () => {
    const sock = createSocket('udp4');
    const port = await new Promise<number>((resolve) =>
      sock.bind(0, '127.0.0.1', () => resolve(sock.address().port)),
    );
    try {
      // The taken port is node 0's gossip port.
      const r = demo(['--base-port', String(port)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(r.stderr).toContain('stopped every agent');
    } finally {
      sock.close();
    }
  });
});
