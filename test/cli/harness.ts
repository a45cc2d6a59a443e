import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/commands/program.js';

const ROOT = join(import.meta.dirname, '..', '..');
export const CORRO = join(ROOT, 'src', 'cli', 'corro.ts');

/** A free loopback TCP port (the OS picks; it is released before returning). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A temporary node directory with a config file and schema files. */
export interface NodeDir {
  readonly dir: string;
  readonly config: string;
  readonly schemaDir: string;
}

/** Writes a config (API on a free port chosen by the agent: port 0) and the schema. */
export function makeNodeDir(
  schema: string,
  extraToml = '',
  gossipAddr = '127.0.0.1:0',
  bootstrap: string[] = [],
): NodeDir {
  const dir = mkdtempSync(join(tmpdir(), 'corro-e2e-'));
  const schemaDir = join(dir, 'schema');
  mkdirSync(schemaDir);
  writeFileSync(join(schemaDir, '001.sql'), schema);
  const config = join(dir, 'corro.toml');
  writeFileSync(
    config,
    `[db]\npath = "data"\nschema_paths = ["schema"]\n\n[gossip]\naddr = "${gossipAddr}"\nplaintext = true\npreset = "local"\n` +
      `bootstrap = ${JSON.stringify(bootstrap)}\n\n[api]\naddr = "127.0.0.1:0"\n${extraToml}\n`,
  );
  return { dir, config, schemaDir };
}

/** An agent child process. */
export interface AgentProcess {
  readonly url: string;
  readonly addr: string;
  readonly proc: ChildProcess;
  readonly stderr: () => string;
  /** SIGTERM, then wait for exit (SIGKILL after 10 s). Returns the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `corro agent -c <config>` and waits until its API listens. */
export async function spawnAgent(config: string, env: Record<string, string> = {}): Promise<AgentProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CORRO, 'agent', '-c', config], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr?.on('data', (d) => {
    err += String(d);
  });
  proc.stdout?.resume();
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start in 30 s:\n${err}`)), 30_000);
    const check = () => {
      const m = /api listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stderr?.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code}:\n${err}`));
    });
  });
  return {
    url,
    addr: url.replace('http://', ''),
    proc,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Runs the CLI in this process; returns exit code and output. */
export async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Runs the real `corro` binary (through tsx) as a child process. */
export async function cliProcess(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CORRO, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => {
    out += String(d);
  });
  proc.stderr.on('data', (d) => {
    err += String(d);
  });
  const t = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  clearTimeout(t);
  return { code, out, err };
}

/** Waits until `pred` holds, polling; throws after `timeoutMs`. */
export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
