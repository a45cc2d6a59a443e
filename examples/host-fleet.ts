/**
 * The publishing half of a host agent: keeps this host's row and its machines' rows in the
 * fleet tables (`fleet-schema.sql`) up to date. It only ever writes rows it owns (its own
 * `hosts` row and the `machines` rows with its `host_id`), so no two hosts write one row.
 *
 * It talks to corro through {@link FleetDb}, which `Agent` (and `Store`) satisfy: the same
 * code runs over an embedded agent in production and over a plain SQLite handle in tests.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The part of a corro `Agent` (or `Store`) the host agent uses. */
export interface FleetDb {
  exec(sql: string, params?: readonly unknown[]): unknown;
  query(
    sql: string,
    params?: readonly unknown[],
  ): readonly Record<string, unknown>[] | Promise<readonly Record<string, unknown>[]>;
}

/** Who this host is and what it offers. */
export interface HostIdentity {
  /** Stable host name, a DNS label (e.g. `fra-1`). */
  readonly hostId: string;
  /** Region code (e.g. `fra`). */
  readonly region: string;
  /** CPUs offered to machines. */
  readonly cpusTotal: number;
  /** Memory offered to machines, MB. */
  readonly memoryMbTotal: number;
  /** corro actor id of the agent on this host (lets DNS drop the host's machines when it dies). */
  readonly actorId?: string;
  /** corro gossip address of the agent, informative. */
  readonly gossipAddr?: string;
  /** Wall clock for `updated_at_ms`; default `Date.now`. */
  readonly now?: () => number;
}

/** What to run. */
export interface MachineSpec {
  readonly app: string;
  readonly processGroup?: string;
  readonly cpus?: number;
  readonly memoryMb?: number;
  readonly image?: string;
  /** Machine id (a DNS label); default 14 random hex digits. */
  readonly id?: string;
}

/** A machine this host runs. */
export interface PublishedMachine {
  readonly id: string;
  readonly app: string;
  readonly ipv6: string;
  readonly state: string;
}

/** Thrown when a machine does not fit the host's free capacity; nothing was written. */
export class HostFullError extends Error {
  constructor(hostId: string, spec: MachineSpec, free: { cpus: number; memoryMb: number }) {
    super(
      `host ${hostId} cannot fit ${spec.cpus ?? 1} CPU / ${spec.memoryMb ?? 256} MB (free: ${free.cpus} CPU / ${free.memoryMb} MB); place it elsewhere (see findHost)`,
    );
    this.name = 'HostFullError';
  }
}

// Machines in these states hold their CPU and memory reservation on the host.
const RESERVING = "('created', 'started', 'stopped')";

/** Publishes one host and its machines into the fleet tables. */
export class HostFleet {
  private readonly now: () => number;
  /** 16-bit tag of the host inside the private /48, so addresses of different hosts never collide. */
  private readonly hostTag: string;

  constructor(
    private readonly db: FleetDb,
    private readonly host: HostIdentity,
  ) {
    this.now = host.now ?? Date.now;
    this.hostTag = createHash('sha256').update(host.hostId).digest().readUInt16BE(0).toString(16);
  }

  /** Writes (or refreshes) this host's row, with free capacity computed from its machines. */
  async publishHost(state: 'up' | 'draining' = 'up'): Promise<void> {
    const used = await this.reserved();
    const h = this.host;
    this.db.exec(
      `INSERT INTO hosts (id, region, actor_id, gossip_addr, state, cpus_total, memory_mb_total, cpus_free, memory_mb_free, machines_count, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET region = excluded.region, actor_id = excluded.actor_id,
         gossip_addr = excluded.gossip_addr, state = excluded.state, cpus_total = excluded.cpus_total,
         memory_mb_total = excluded.memory_mb_total, cpus_free = excluded.cpus_free,
         memory_mb_free = excluded.memory_mb_free, machines_count = excluded.machines_count,
         updated_at_ms = excluded.updated_at_ms`,
      [
        h.hostId,
        h.region,
        h.actorId ?? '',
        h.gossipAddr ?? '',
        state,
        h.cpusTotal,
        h.memoryMbTotal,
        h.cpusTotal - used.cpus,
        h.memoryMbTotal - used.memoryMb,
        used.count,
        this.now(),
      ],
    );
  }

  /** Creates and starts a machine if it fits; throws {@link HostFullError} otherwise. */
  async startMachine(spec: MachineSpec): Promise<PublishedMachine> {
    const cpus = spec.cpus ?? 1;
    const memoryMb = spec.memoryMb ?? 256;
    const used = await this.reserved();
    const free = { cpus: this.host.cpusTotal - used.cpus, memoryMb: this.host.memoryMbTotal - used.memoryMb };
    if (cpus > free.cpus || memoryMb > free.memoryMb) throw new HostFullError(this.host.hostId, spec, free);
    const id = spec.id ?? randomBytes(7).toString('hex');
    const ipv6 = `fdaa:0:1:${this.hostTag}::${(await this.nextAddressIndex()).toString(16)}`;
    this.db.exec(
      `INSERT INTO machines (id, app, region, process_group, ipv6, state, host_id, cpus, memory_mb, image, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, 'started', ?, ?, ?, ?, ?)`,
      [
        id,
        spec.app,
        this.host.region,
        spec.processGroup ?? 'app',
        ipv6,
        this.host.hostId,
        cpus,
        memoryMb,
        spec.image ?? '',
        this.now(),
      ],
    );
    await this.publishHost();
    return { id, app: spec.app, ipv6, state: 'started' };
  }

  /** Moves one of this host's machines to `state` (`started`, `stopped`, ...). */
  async setMachineState(id: string, state: 'created' | 'started' | 'stopped'): Promise<void> {
    this.db.exec('UPDATE machines SET state = ?, updated_at_ms = ? WHERE id = ? AND host_id = ?', [
      state,
      this.now(),
      id,
      this.host.hostId,
    ]);
    await this.publishHost();
  }

  /** Destroys one of this host's machines: its row goes, and its reservation with it. */
  async destroyMachine(id: string): Promise<void> {
    this.db.exec('DELETE FROM machines WHERE id = ? AND host_id = ?', [id, this.host.hostId]);
    await this.publishHost();
  }

  /** This host's machines as the local table has them (after a restart, what it ran before). */
  async machines(): Promise<PublishedMachine[]> {
    const rows = await this.db.query(
      'SELECT id, app, ipv6, state FROM machines WHERE host_id = ? ORDER BY id',
      [this.host.hostId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      app: String(r.app),
      ipv6: String(r.ipv6),
      state: String(r.state),
    }));
  }

  /** Leaves the fleet for good: deletes this host's machines and its host row. */
  async leave(): Promise<void> {
    this.db.exec('DELETE FROM machines WHERE host_id = ?', [this.host.hostId]);
    this.db.exec('DELETE FROM hosts WHERE id = ?', [this.host.hostId]);
  }

  private async reserved(): Promise<{ cpus: number; memoryMb: number; count: number }> {
    const [r] = await this.db.query(
      `SELECT COALESCE(SUM(cpus), 0) AS cpus, COALESCE(SUM(memory_mb), 0) AS mem, COUNT(*) AS n FROM machines WHERE host_id = ? AND state IN ${RESERVING}`,
      [this.host.hostId],
    );
    return { cpus: Number(r?.cpus ?? 0), memoryMb: Number(r?.mem ?? 0), count: Number(r?.n ?? 0) };
  }

  private async nextAddressIndex(): Promise<number> {
    // The last group of every address this host handed out; the next one is one past the largest.
    const rows = await this.db.query('SELECT ipv6 FROM machines WHERE host_id = ?', [this.host.hostId]);
    let max = 1;
    for (const r of rows) {
      const last = String(r.ipv6).split(':').pop() ?? '';
      const n = Number.parseInt(last, 16);
      if (Number.isFinite(n) && n > max) max = n;
    }
    return max + 1;
  }
}
