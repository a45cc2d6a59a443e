import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SCHEMA } from './memory-cluster.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'agent-child.ts');

/** One agent process. */
export class AgentProcess {
  actor = '';
  addr = '';
  readonly events: Record<string, unknown>[] = [];
  exited = false;
  private nextReq = 1;
  private readonly waiting = new Map<number, (m: Record<string, unknown>) => void>();
  private readyResolve: (() => void) | undefined;
  readonly ready: Promise<void>;
  stderr = '';

  constructor(
    readonly proc: ChildProcess,
    readonly onEvent?: (e: Record<string, unknown>) => void,
  ) {
    this.ready = new Promise((r) => {
      this.readyResolve = r;
    });
    const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    rl.on('line', (line) => {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(line);
      } catch {
        return;
      }
      if (m.ready) {
        this.actor = m.actor as string;
        this.addr = m.addr as string;
        this.readyResolve?.();
      } else if (typeof m.reqId === 'number') {
        this.waiting.get(m.reqId)?.(m);
        this.waiting.delete(m.reqId);
      } else if (m.ev) {
        this.events.push(m);
        this.onEvent?.(m);
      }
    });
    proc.stderr?.on('data', (d) => {
      this.stderr = (this.stderr + String(d)).slice(-4000);
    });
    proc.on('exit', () => {
      this.exited = true;
    });
  }

  /** Sends a command and resolves with its reply (rejects after `timeoutMs`). */
  call(cmd: Record<string, unknown>, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const reqId = this.nextReq++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no reply to ${JSON.stringify(cmd)}; stderr: ${this.stderr}`)),
        timeoutMs,
      );
      this.waiting.set(reqId, (m) => {
        clearTimeout(t);
        resolve(m);
      });
      this.proc.stdin?.write(`${JSON.stringify({ ...cmd, reqId })}\n`);
    });
  }

  kill9(): void {
    this.proc.kill('SIGKILL');
  }
}

/** Options of one spawned agent. */
export interface SpawnOptions {
  dataDir: string;
  addr: string;
  bootstrap: string[];
  keyHex: string;
  replication?: Record<string, number>;
  /** Command prefix, e.g. `['ip', 'netns', 'exec', 'ns1']`. */
  prefix?: string[];
  onEvent?: (e: Record<string, unknown>) => void;
}

/** Spawns one agent process and waits until it is ready. */
export async function spawnAgent(o: SpawnOptions, timeoutMs = 60_000): Promise<AgentProcess> {
  const args = [
    '--import',
    'tsx',
    CHILD,
    JSON.stringify({
      dataDir: o.dataDir,
      addr: o.addr,
      bootstrap: o.bootstrap,
      keyHex: o.keyHex,
      schema: SCHEMA,
      replication: o.replication,
    }),
  ];
  const [cmd, ...pre] = o.prefix ?? [];
  const proc = cmd
    ? spawn(cmd, [...pre, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const p = new AgentProcess(proc, o.onEvent);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    p.ready,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`agent did not start: ${p.stderr}`)), timeoutMs);
    }),
    new Promise((_, reject) => proc.on('exit', (c) => reject(new Error(`agent exited (${c}): ${p.stderr}`)))),
  ]).finally(() => clearTimeout(timer));
  return p;
}

/** A temporary root for the agents' data directories, and a shared cluster key. */
export function clusterDirs(): {
  root: string;
  keyHex: string;
  dir: (i: number) => string;
  cleanup: () => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'corro-agents-'));
  return {
    root,
    keyHex: randomBytes(32).toString('hex'),
    dir: (i) => join(root, `node${i}`),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Polls `pred` every 100 ms until it holds or `timeoutMs` passes. */
export async function waitUntil(pred: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pred();
}

/** Kills every process still running (SIGKILL), ignoring errors. */
export function killAll(ps: readonly (AgentProcess | undefined)[]): void {
  for (const p of ps) {
    try {
      if (p && !p.exited) p.kill9();
    } catch {
      // already gone
    }
  }
}
