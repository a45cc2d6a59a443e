/**
 * A host agent that embeds corro: run one per host. It
 * - starts a corro `Agent` with the fleet schema (`fleet-schema.sql`),
 * - publishes its host row and its machines, and keeps their state and capacity current
 *   (`HostFleet`, in `host-fleet.ts`),
 * - serves `.internal` DNS from its local copy of the tables,
 * - on `leave`, removes its rows for good; on a plain stop, keeps them (it comes back).
 *
 * Run it by hand (two terminals):
 *   node --import tsx examples/host-agent.ts --host-id fra-1 --region fra --data-dir /tmp/fra-1 \
 *     --key-file /tmp/corro.key --gossip-addr 127.0.0.1:7001 --dns-addr 127.0.0.1:5301 --machines web:2,api:1
 *   node --import tsx examples/host-agent.ts --host-id iad-1 --region iad --data-dir /tmp/iad-1 \
 *     --key-file /tmp/corro.key --gossip-addr 127.0.0.1:7002 --bootstrap 127.0.0.1:7001 \
 *     --dns-addr 127.0.0.1:5302 --machines web:1
 *   dig @127.0.0.1 -p 5302 +short web.internal AAAA
 *
 * `npm start` runs five of these with `--control ipc` and drives them over Node's IPC channel.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent } from '../src/agent/agent.js';
import type {
  ControlEnvelope,
  ControlMessage,
  ControlRequest,
  NodeStatus,
} from '../src/cli/demo/protocol.js';
import type { DnsServer } from '../src/dns/index.js';
import { FLEET_SCHEMA_SQL, livenessFromMembers, startDnsServer } from '../src/dns/index.js';
import { findHost } from '../src/placement/index.js';
import { HostFleet } from './host-fleet.js';

/** Command-line options of the host agent. */
export interface HostAgentOptions {
  readonly hostId: string;
  readonly region: string;
  readonly dataDir: string;
  readonly gossipAddr: string;
  readonly bootstrap: readonly string[];
  readonly dnsAddr: string;
  readonly cpus: number;
  readonly memoryMb: number;
  /** Machines to start when the host has none yet: `app:count` pairs. */
  readonly machines: readonly { app: string; count: number }[];
  readonly control: 'none' | 'ipc';
  /**
   * File with the cluster key (64 hex characters); created with a new key when missing, so
   * pointing every host agent of a machine at one path is enough on loopback. Default
   * `<data-dir>/cluster.key` (copy it to every host).
   */
  readonly keyFile: string | undefined;
  /** On Ctrl-C / SIGTERM, delete this host's rows before stopping (the host is decommissioned). */
  readonly leaveOnExit: boolean;
}

/** Parses `argv` (without node and script); throws with a usage message on a bad value. */
export function parseHostAgentArgs(argv: readonly string[]): HostAgentOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'host-id': { type: 'string' },
      region: { type: 'string' },
      'data-dir': { type: 'string' },
      'gossip-addr': { type: 'string', default: '127.0.0.1:0' },
      bootstrap: { type: 'string', default: '' },
      'dns-addr': { type: 'string', default: '127.0.0.1:0' },
      cpus: { type: 'string', default: '8' },
      'memory-mb': { type: 'string', default: '8192' },
      machines: { type: 'string', default: '' },
      control: { type: 'string', default: 'none' },
      'key-file': { type: 'string' },
      'leave-on-exit': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const need = (k: 'host-id' | 'region' | 'data-dir'): string => {
    const v = values[k];
    if (!v) throw new Error(`--${k} is required (see the comment at the top of examples/host-agent.ts)`);
    return v;
  };
  const machines = (values.machines ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [app, n] = pair.split(':');
      const count = Number(n ?? '1');
      if (!app || !Number.isInteger(count) || count < 0)
        throw new Error(`--machines: "${pair}" is not app:count`);
      return { app, count };
    });
  const control = values.control === 'ipc' ? 'ipc' : 'none';
  return {
    hostId: need('host-id'),
    region: need('region'),
    dataDir: need('data-dir'),
    gossipAddr: values['gossip-addr'] ?? '127.0.0.1:0',
    bootstrap: (values.bootstrap ?? '').split(',').filter(Boolean),
    dnsAddr: values['dns-addr'] ?? '127.0.0.1:0',
    cpus: Number(values.cpus),
    memoryMb: Number(values['memory-mb']),
    machines,
    control,
    keyFile: values['key-file'],
    leaveOnExit: values['leave-on-exit'] === true,
  };
}

/** A running host agent. */
export class HostAgent {
  private constructor(
    readonly options: HostAgentOptions,
    readonly agent: Agent,
    readonly fleet: HostFleet,
    readonly dns: DnsServer,
  ) {}

  /** Starts corro, publishes the host and its machines, serves DNS. */
  static async start(o: HostAgentOptions): Promise<HostAgent> {
    const agent = await Agent.start({
      dataDir: o.dataDir,
      schema: FLEET_SCHEMA_SQL,
      gossip: {
        addr: o.gossipAddr,
        bootstrap: [...o.bootstrap],
        preset: 'local',
        keyFile: o.keyFile,
        meta: { region: o.region },
      },
    });
    try {
      const db = {
        exec: (sql: string, params?: readonly unknown[]) => agent.exec(sql, params ? [...params] : undefined),
        query: (sql: string, params?: readonly unknown[]) =>
          agent.query(sql, params ? [...params] : undefined) as Record<string, unknown>[],
      };
      const fleet = new HostFleet(db, {
        hostId: o.hostId,
        region: o.region,
        cpusTotal: o.cpus,
        memoryMbTotal: o.memoryMb,
        actorId: agent.actorId,
        gossipAddr: agent.gossipAddr,
      });
      await fleet.publishHost();
      // A restarted host finds its machines in its own rows; only a new host starts the initial set.
      if ((await fleet.machines()).length === 0) {
        for (const { app, count } of o.machines)
          for (let i = 0; i < count; i++) await fleet.startMachine({ app });
      }
      const dns = await startDnsServer({
        addr: o.dnsAddr,
        query: db.query,
        localRegion: o.region,
        hostLiveness: livenessFromMembers(db.query, () => agent.members()),
      });
      return new HostAgent(o, agent, fleet, dns);
    } catch (err) {
      await agent.close();
      throw err;
    }
  }

  /** This node's view, for the demo's live table. */
  async status(): Promise<NodeStatus> {
    const members: Record<string, number> = {};
    for (const m of this.agent.members()) members[m.state] = (members[m.state] ?? 0) + 1;
    const q = (sql: string) => this.agent.query(sql) as Record<string, unknown>[];
    const hosts = Number(q('SELECT COUNT(*) AS n FROM hosts')[0]?.n ?? 0);
    const rows = q('SELECT id, state, host_id FROM machines ORDER BY id');
    let h = 0x811c9dc5;
    for (const r of rows)
      for (const ch of `${r.id}|${r.state}|${r.host_id};`)
        h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    return {
      hostId: this.options.hostId,
      region: this.options.region,
      actorId: this.agent.actorId,
      members,
      hosts,
      machines: rows.length,
      digest: h.toString(16).padStart(8, '0'),
      dnsQueries: this.dns.stats().queriesUdp + this.dns.stats().queriesTcp,
    };
  }

  /** Handles one control request. */
  async handle(req: ControlRequest): Promise<unknown> {
    switch (req.op) {
      case 'status':
        return this.status();
      case 'start-machine':
        return this.fleet.startMachine({ app: req.app, processGroup: req.processGroup });
      case 'destroy-machine':
        return this.fleet.destroyMachine(req.id);
      case 'place': {
        const query = (sql: string, p?: readonly unknown[]) =>
          this.agent.query(sql, p ? [...p] : undefined) as Record<string, unknown>[];
        const liveness = await livenessFromMembers(query, () => this.agent.members())();
        return findHost({ region: req.region, memoryMb: req.memoryMb, cpus: req.cpus }, { query, liveness });
      }
      case 'leave':
        await this.fleet.leave();
        return null;
      case 'shutdown':
        return null;
    }
  }

  /** Stops DNS and closes the agent (leaves the cluster gracefully); rows stay. */
  async stop(): Promise<void> {
    await this.dns.close();
    await this.agent.close();
  }
}

async function main(): Promise<void> {
  let options: HostAgentOptions;
  try {
    options = parseHostAgentArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`host-agent: ${(err as Error).message}`);
    process.exit(2);
  }
  const send = (m: ControlMessage): void => {
    if (options.control === 'ipc' && process.send && process.connected) process.send(m);
  };
  let host: HostAgent;
  try {
    host = await HostAgent.start(options);
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { code?: string } };
    send({ t: 'fatal', message: e.message, code: e.code ?? e.cause?.code });
    console.error(`host-agent ${options.hostId}: ${e.message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      // Leaving for good: delete our rows first; close() then flushes the deletions out.
      if (options.leaveOnExit) await host.fleet.leave().catch(() => undefined);
      await host.stop().catch(() => undefined);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  if (options.control === 'ipc') {
    // The parent is gone (even killed with -9): stop rather than live on as an orphan.
    process.on('disconnect', () => void stop(0));
    process.on('message', (raw: ControlEnvelope) => {
      void host.handle(raw.req).then(
        (value) => {
          send({ t: 'res', id: raw.id, ok: true, value });
          if (raw.req.op === 'leave' || raw.req.op === 'shutdown') void stop(0);
        },
        (err: Error) => send({ t: 'res', id: raw.id, ok: false, error: err.message }),
      );
    });
  }
  send({
    t: 'ready',
    hostId: options.hostId,
    actorId: host.agent.actorId,
    gossipAddr: host.agent.gossipAddr,
    dnsPort: host.dns.port,
    machines: await host.fleet.machines(),
  });
  if (options.control === 'none') {
    console.log(
      `host-agent ${options.hostId} (${options.region}): gossip ${host.agent.gossipAddr}, dns ${host.dns.addr}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
