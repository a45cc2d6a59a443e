/**
 * How the DNS responder reads the fleet tables: through a plain `query(sql, params) -> rows`
 * function, so it works over a `Store`, an `Agent`, or any SQLite handle holding the fleet
 * schema (`examples/fleet-schema.sql`).
 * @packageDocumentation
 */
import type { MachineRow } from './fleet-schema.js';

/** One result row, as column name -> value. */
export type Row = Readonly<Record<string, unknown>>;

/**
 * Reads rows from the local copy of the fleet tables. `Store.query`, `Agent.query` and
 * `(sql, p) => db.prepare(sql).all(...(p ?? []))` over better-sqlite3 all fit. May return a
 * promise. A throw (or rejection) makes the responder answer SERVFAIL and count it.
 */
export type FleetQuery = (
  sql: string,
  params?: readonly unknown[],
) => readonly Row[] | Promise<readonly Row[]>;

/**
 * Whether the machines of a host may be answered. The responder asks for one per query
 * through `hostLiveness` (see {@link livenessFromMembers}), so a crashed host's machines leave
 * the answers as soon as membership declares it dead, without anyone rewriting its rows.
 */
export type HostLiveness = (hostId: string) => boolean;

/** Reads the fleet tables for the responder; every read is bounded by `maxRows`. */
export class FleetReader {
  constructor(
    private readonly query: FleetQuery,
    /** Upper bound on rows read per lookup; rows past it are ignored (documented bound). */
    private readonly maxRows: number,
  ) {}

  /** Every machine row of `app` in any state, ordered by id, at most `maxRows`. */
  async appMachines(app: string): Promise<MachineRow[]> {
    const rows = await this.query(
      'SELECT id, app, region, process_group, ipv6, state, host_id FROM machines WHERE app = ? ORDER BY id LIMIT ?',
      [app, this.maxRows],
    );
    return rows.map(toMachine);
  }

  /** Names of the apps with at least one machine row, sorted, at most `maxRows`. */
  async apps(): Promise<string[]> {
    const rows = await this.query('SELECT DISTINCT app FROM machines ORDER BY app LIMIT ?', [this.maxRows]);
    return rows.map((r) => String(r.app));
  }
}

function toMachine(r: Row): MachineRow {
  return {
    id: String(r.id),
    app: String(r.app),
    region: String(r.region),
    process_group: String(r.process_group),
    ipv6: String(r.ipv6),
    state: String(r.state),
    host_id: String(r.host_id),
  };
}

/** The member states under which a host's machines stay in DNS answers. */
const LIVE_STATES: ReadonlySet<string> = new Set(['alive', 'suspect']);

/**
 * Builds a {@link HostLiveness} from corro membership: a host is live unless the member whose
 * actor id its `hosts.actor_id` names is known to be `dead` or `left`. A suspect host stays in
 * the answers (suspicion is often refuted within seconds); a host whose actor this node has
 * never heard of stays too, so a node that just started does not empty the answers while its
 * membership view fills in.
 *
 * @param query reads `hosts` (id, actor_id).
 * @param members the current member list, e.g. `() => agent.members()`.
 */
export function livenessFromMembers(
  query: FleetQuery,
  members: () => readonly { readonly actorId: string; readonly state: string }[],
): () => Promise<HostLiveness> {
  return async () => {
    const states = new Map<string, string>();
    for (const m of members()) states.set(m.actorId, m.state);
    const rows = await query("SELECT id, actor_id FROM hosts WHERE actor_id != ''");
    const down = new Set<string>();
    for (const r of rows) {
      const state = states.get(String(r.actor_id));
      if (state !== undefined && !LIVE_STATES.has(state)) down.add(String(r.id));
    }
    return (hostId) => !down.has(hostId);
  };
}
