import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const started: ChildProcess[] = [];

/** Runs the demo non-interactively (stdout is a pipe); resolves with its output and exit code. */
function runDemo(args: string[], onLine?: (line: string, child: ChildProcess) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) onLine?.(l, child);
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise<{ out: string; err: string; code: number | null }>((resolve) =>
    child.on('exit', (code) => resolve({ out, err, code })),
  );
}

/** Pids the demo reports for its agents ("pid 123", "(pids 1 2 3)"). */
const agentPids = (out: string): number[] => [
  ...[...out.matchAll(/\bpid (\d+)/g)].map((m) => Number(m[1])),
  ...[...out.matchAll(/\(pids ([\d ]+)\)/g)].flatMap((m) => (m[1] ?? '').trim().split(' ').map(Number)),
];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('npm start (non-interactive)', () => {
  it('runs the whole scenario, prints what it shows on a terminal, and leaves no process behind', async () => {
    const { out, err, code } = await runDemo(['--rounds', '3']);
    expect(err, out).toBe('');
    expect(code, out).toBe(0);
    expect(out).toContain('all 5 agents see 5 alive members');
    expect(out).toMatch(/5 hosts, 14 machines, identical on every node/);
    // Every host published only its own machines, yet fra-1 answers for all five hosts.
    expect(out).toMatch(/dns: web\.internal on fra-1 -> 10 machines on 5 hosts/);
    expect(out).toMatch(/dns: regions\.web\.internal on fra-1 -> "fra,iad,sin,sjc,syd"/);
    expect(
      out.match(/round \d: machine [0-9a-f]+ started on \S+, in \S+'s web\.internal answer after \d+/g),
    ).toHaveLength(3);
    expect(out).toMatch(/syd-1's machines left the answers on all 4 other nodes/);
    expect(out).toMatch(/dns: web\.internal on fra-1 -> \d+ machines; none of syd-1's/);
    expect(out).toMatch(/syd-1's machines are answered again on every node/);
    expect(out).toContain('every node converged again');
    expect(out).toContain('demo finished: ok (6 agent processes started, all stopped)');
    const pids = [...new Set(agentPids(out))];
    expect(pids.length).toBe(6);
    expect(pids.filter(alive)).toEqual([]);
  }, 180_000);

  it('Ctrl-C while the fleet starts stops every agent and says so', async () => {
    let sent = false;
    const { out, code } = await runDemo(['--keep-running', '--plain'], (line, child) => {
      // Right after the first agent is up: the others are still starting.
      if (!sent && /iad-1 \(iad\) pid \d+/.test(line)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(out).toMatch(/SIGINT received, stopping 5 agents \(pids( \d+){5}\)/);
    expect(out).toContain('stopped; no agent left running');
    const pids = [...new Set(agentPids(out))];
    expect(pids.length).toBe(5);
    expect(pids.filter(alive)).toEqual([]);
  }, 120_000);
});
