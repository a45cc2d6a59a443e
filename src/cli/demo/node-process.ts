/**
 * One host agent run as a child process (`examples/host-agent.ts --control ipc`), driven over
 * Node's IPC channel.
 * @packageDocumentation
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { ControlEnvelope, ControlMessage, ControlRequest, NodeStatus } from './protocol.js';

/** How to start one host agent. */
export interface NodeSpec {
  readonly index: number;
  readonly hostId: string;
  readonly region: string;
  readonly dataDir: string;
  readonly gossipPort: number;
  readonly dnsPort: number;
  /** Gossip addresses to join through (empty for the first node). */
  readonly bootstrap: readonly string[];
  /** `app:count` pairs started on a new host. */
  readonly machines: string;
  /** The cluster key file every node shares. */
  readonly keyFile: string;
}

/** The host agent said it could not start. */
export class NodeStartError extends Error {
  constructor(
    readonly hostId: string,
    message: string,
    readonly code?: string,
  ) {
    super(`${hostId}: ${message}`);
    this.name = 'NodeStartError';
  }
}

/** What the `ready` message carries. */
export type NodeReady = Extract<ControlMessage, { t: 'ready' }>;

const REQUEST_TIMEOUT_MS = 15_000;
// Child stderr kept for error messages, bounded.
const MAX_STDERR_CHARS = 4000;

/** A running (or exited) host agent process. */
export class NodeProcess {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stderr = '';
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<string>;
  private exitInfo: string | undefined;
  /** Resolves when the agent is ready; rejects with {@link NodeStartError}. */
  readonly ready: Promise<NodeReady>;

  private constructor(
    readonly spec: NodeSpec,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = signal ?? String(code);
        for (const p of this.pending.values())
          p.reject(new Error(`${spec.hostId} exited (${this.exitInfo})`));
        this.pending.clear();
        resolve(this.exitInfo);
      });
    });
    this.ready = new Promise<NodeReady>((resolve, reject) => {
      child.on('message', (m: ControlMessage) => {
        if (m.t === 'ready') resolve(m);
        else if (m.t === 'fatal') reject(new NodeStartError(spec.hostId, m.message, m.code));
        else if (m.t === 'res') {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (m.ok) p?.resolve(m.value);
          else p?.reject(new Error(m.error));
        }
      });
      void this.exited.then((info) =>
        reject(new NodeStartError(spec.hostId, `exited (${info}) before it was ready${this.stderrTail()}`)),
      );
    });
    // An unobserved rejection (a node killed on purpose later) must not crash the demo.
    this.ready.catch(() => undefined);
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-MAX_STDERR_CHARS);
    });
    child.stdout?.resume();
  }

  /** Forks `script` with tsx for `spec`. */
  static spawn(script: string, cwd: string, tsxImport: string, spec: NodeSpec): NodeProcess {
    const args = [
      '--host-id',
      spec.hostId,
      '--region',
      spec.region,
      '--data-dir',
      spec.dataDir,
      '--gossip-addr',
      `127.0.0.1:${spec.gossipPort}`,
      '--dns-addr',
      `127.0.0.1:${spec.dnsPort}`,
      '--machines',
      spec.machines,
      '--control',
      'ipc',
      '--key-file',
      spec.keyFile,
    ];
    if (spec.bootstrap.length > 0) args.push('--bootstrap', spec.bootstrap.join(','));
    const child = fork(script, args, {
      cwd,
      execArgv: ['--import', tsxImport],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: a Ctrl-C on the terminal reaches only the demo, which then stops
      // the agents in order. An agent whose parent dies sees its IPC channel close and exits.
      detached: true,
    });
    return new NodeProcess(spec, child);
  }

  /** The OS process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Sends a request; rejects when the node answers an error, exits, or does not answer in 15 s. */
  request<T>(req: ControlRequest): Promise<T> {
    if (!this.running || !this.child.connected)
      return Promise.reject(new Error(`${this.spec.hostId} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.spec.hostId}: no answer to ${req.op} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const env: ControlEnvelope = { t: 'req', id, req };
      this.child.send(env, (err) => {
        if (err) this.pending.get(id)?.reject(err);
      });
    });
  }

  /** The node's status, or `null` when it is not running or does not answer. */
  async status(): Promise<NodeStatus | null> {
    if (!this.running) return null;
    return this.request<NodeStatus>({ op: 'status' }).catch(() => null);
  }

  /** `kill -9`: the agent gets no chance to leave or flush. */
  crash(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** Asks for a graceful shutdown; kills it if it has not exited after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.request({ op: 'shutdown' }).catch(() => undefined);
    const t = setTimeout(() => this.crash(), graceMs);
    await this.exited;
    clearTimeout(t);
  }

  /** The last lines the process wrote to stderr, for error messages. */
  stderrTail(): string {
    const t = this.stderr.trim().split('\n').slice(-5).join('\n');
    return t ? `\n${t}` : '';
  }
}
