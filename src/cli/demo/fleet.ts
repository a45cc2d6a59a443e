/**
 * The demo's local fleet: N host agents on loopback, each a child process with its own data
 * directory, gossip port and DNS port. Tracks every process it started so none outlives the
 * demo.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeReady, NodeSpec } from './node-process.js';
import { NodeProcess, NodeStartError } from './node-process.js';
import { allocatePorts } from './ports.js';
import type { NodeStatus } from './protocol.js';
import type { NodeRow } from './view.js';

/** Regions of the fleet, in start order: far apart, so nearest answers differ per node. */
export const DEMO_REGIONS = ['iad', 'fra', 'sin', 'syd', 'sjc', 'gru', 'nrt', 'dub', 'sea', 'icn'] as const;

/** Machines a new host starts: every host runs `web`, every other one `api`, the first `db`. */
export function initialMachines(index: number): string {
  const m = ['web:2'];
  if (index % 2 === 0) m.push('api:1');
  if (index === 0) m.push('db:1');
  return m.join(',');
}

// A port found free can be taken before the agent binds it; pick again this many times.
const MAX_START_ATTEMPTS = 3;

/** Where the fleet's pieces are. */
export interface FleetPaths {
  /** Project root (cwd of the agents). */
  readonly root: string;
  /** `examples/host-agent.ts`. */
  readonly script: string;
  /** What `--import` gets to load tsx in the agents. */
  readonly tsxImport: string;
  /** Parent of the per-node data directories. */
  readonly dataDir: string;
}

/** A local fleet of host agents. */
export class Fleet {
  readonly specs: NodeSpec[] = [];
  readonly procs: (NodeProcess | undefined)[] = [];
  readonly ready: (NodeReady | undefined)[] = [];
  /** One resolver per DNS server address (at most one per node and port it ever had). */
  private readonly resolvers = new Map<string, Resolver>();
  /** Every process ever started, for the last-resort kill at exit. */
  private readonly all: NodeProcess[] = [];

  constructor(
    private readonly paths: FleetPaths,
    private readonly n: number,
    private readonly basePort: number | undefined,
  ) {}

  /** Starts every node: the first one, then the rest joining through it. */
  async start(onReady: (i: number, r: NodeReady) => void): Promise<void> {
    // One cluster key for the fleet: gossip is sealed, as in production.
    writeFileSync(join(this.paths.dataDir, 'cluster.key'), `${randomBytes(32).toString('hex')}\n`, {
      mode: 0o600,
    });
    const ports = await allocatePorts(this.n, this.basePort);
    for (let i = 0; i < this.n; i++) {
      const region = DEMO_REGIONS[i] as string;
      const hostId = `${region}-1`;
      const p = ports[i] as { gossip: number; dns: number };
      this.specs.push({
        index: i,
        hostId,
        region,
        dataDir: join(this.paths.dataDir, hostId),
        gossipPort: p.gossip,
        dnsPort: p.dns,
        bootstrap: [],
        machines: initialMachines(i),
        keyFile: join(this.paths.dataDir, 'cluster.key'),
      });
    }
    onReady(0, await this.startNode(0));
    const seed = `127.0.0.1:${this.specs[0]?.gossipPort}`;
    for (let i = 1; i < this.n; i++) this.specs[i] = { ...(this.specs[i] as NodeSpec), bootstrap: [seed] };
    await Promise.all(
      this.specs.slice(1).map(async (s) => {
        onReady(s.index, await this.startNode(s.index));
      }),
    );
  }

  /** Starts (or restarts, with the same data directory) node `i`; resolves when it is ready. */
  async startNode(i: number): Promise<NodeReady> {
    for (let attempt = 1; ; attempt++) {
      const spec = this.specs[i] as NodeSpec;
      const proc = NodeProcess.spawn(this.paths.script, this.paths.root, this.paths.tsxImport, spec);
      this.all.push(proc);
      this.procs[i] = proc;
      try {
        const r = await proc.ready;
        this.ready[i] = r;
        return r;
      } catch (err) {
        proc.crash();
        await proc.exited;
        const inUse = err instanceof NodeStartError && err.code === 'EADDRINUSE';
        if (!inUse || this.basePort !== undefined || attempt >= MAX_START_ATTEMPTS) throw err;
        const [fresh] = await allocatePorts(1);
        if (fresh) this.specs[i] = { ...spec, gossipPort: fresh.gossip, dnsPort: fresh.dns };
      }
    }
  }

  /** `kill -9` node `i`. */
  crash(i: number): void {
    this.procs[i]?.crash();
  }

  /** Every node's status (null for a node that is down or does not answer). */
  statuses(): Promise<(NodeStatus | null)[]> {
    return Promise.all(this.specs.map((_, i) => this.procs[i]?.status() ?? Promise.resolve(null)));
  }

  /** Rows for the view. */
  async rows(): Promise<NodeRow[]> {
    const st = await this.statuses();
    return this.specs.map((s, i) => ({
      hostId: s.hostId,
      region: s.region,
      pid: this.procs[i]?.pid,
      running: this.procs[i]?.running ?? false,
      status: st[i] ?? null,
    }));
  }

  /** A resolver that asks node `i`'s DNS responder. */
  resolver(i: number): Resolver {
    const server = `127.0.0.1:${this.specs[i]?.dnsPort}`;
    let r = this.resolvers.get(server);
    if (!r) {
      r = new Resolver({ timeout: 1000, tries: 2 });
      r.setServers([server]);
      this.resolvers.set(server, r);
    }
    return r;
  }

  /** AAAA answer of `name` on node `i`; empty for NXDOMAIN / NODATA. */
  async resolve6(i: number, name: string): Promise<string[]> {
    try {
      return await this.resolver(i).resolve6(name);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw err;
    }
  }

  /** Stops every running node gracefully (killing those that do not stop in time). */
  async stopAll(graceMs = 5000): Promise<void> {
    await Promise.all(this.all.map((p) => p.stop(graceMs)));
  }

  /** Last resort at process exit: SIGKILL anything still running. Synchronous. */
  killAll(): void {
    for (const p of this.all) p.crash();
  }

  /** Pids of every process started, for the final check that none is left. */
  pids(): number[] {
    return this.all.map((p) => p.pid).filter((p): p is number => p !== undefined);
  }
}
