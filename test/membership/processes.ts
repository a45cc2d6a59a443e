import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Short timings so the multi-process test and benchmark finish quickly on loopback. */
export const FAST_CONFIG = {
  probeIntervalMs: 500,
  probeTimeoutMs: 250,
  gossipIntervalMs: 100,
  suspicionMult: 4,
  pushPullIntervalMs: 3000,
  joinRetryBaseMs: 100,
  joinRetryMaxMs: 1000,
  gossipToTheDeadMs: 5000,
};

export interface NodeState {
  members: { id: string; state: string; incarnation: number }[];
  metrics: Record<string, number>;
  t: number;
}

/** A membership node in its own OS process. */
export class NodeProcess {
  actorId = '';
  addr = '';
  last: NodeState | undefined;
  exited = false;
  private readonly child: ChildProcess;
  private readyResolve!: () => void;
  readonly ready: Promise<void>;

  constructor(args: Record<string, unknown>) {
    this.ready = new Promise((r) => {
      this.readyResolve = r;
    });
    const script = join(import.meta.dirname, 'e2e-node.ts');
    this.child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child.on('exit', () => {
      this.exited = true;
    });
    const rl = createInterface({ input: this.child.stdout! });
    rl.on('line', (line) => {
      let o: { type: string } & Record<string, unknown>;
      try {
        o = JSON.parse(line);
      } catch {
        return;
      }
      if (o.type === 'ready') {
        this.actorId = o.actorId as string;
        this.addr = o.addr as string;
        this.readyResolve();
      } else if (o.type === 'state') {
        this.last = o as unknown as NodeState;
      }
    });
  }

  /** The state this node holds for `actorId`. */
  view(actorId: string): { state: string; incarnation: number } | undefined {
    return this.last?.members.find((m) => m.id === actorId);
  }

  /** SIGKILL (kill -9). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** Polls `cond` every 50 ms until it holds or `timeoutMs` passes. */
export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** Whether every node in `nodes` sees every node in `nodes` alive. */
export function allSeeAll(nodes: readonly NodeProcess[]): boolean {
  return nodes.every((a) => nodes.every((b) => a.view(b.actorId)?.state === 'alive'));
}
