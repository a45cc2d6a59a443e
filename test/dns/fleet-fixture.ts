import Database from 'better-sqlite3';
import type { FleetQuery } from '../../src/dns/fleet-reader.js';
import { FLEET_SCHEMA_SQL } from '../../src/dns/fleet-schema.js';

/** An in-memory SQLite database holding the fleet schema, with row helpers for tests. */
export class FleetFixture {
  readonly db: Database.Database = new Database(':memory:');
  private n = 0;

  constructor() {
    this.db.exec(FLEET_SCHEMA_SQL);
  }

  /** The reader the responder takes. */
  readonly query: FleetQuery = (sql, params) =>
    this.db.prepare(sql).all(...(params ?? [])) as Record<string, unknown>[];

  host(id: string, region: string, fields: Record<string, string | number> = {}): void {
    const row = { id, region, ...fields };
    const cols = Object.keys(row);
    this.db
      .prepare(
        `INSERT OR REPLACE INTO hosts (${cols.join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`,
      )
      .run(row);
  }

  /** Inserts a machine; returns its address. Defaults: started, group 'app', a fresh address. */
  machine(
    app: string,
    region: string,
    fields: Partial<{ id: string; process_group: string; state: string; host_id: string; ipv6: string }> = {},
  ): { id: string; ipv6: string } {
    this.n++;
    const row = {
      id: fields.id ?? `m${this.n.toString(16).padStart(4, '0')}`,
      app,
      region,
      process_group: fields.process_group ?? 'app',
      ipv6: fields.ipv6 ?? `fdaa:0:1::${this.n.toString(16)}`,
      state: fields.state ?? 'started',
      host_id: fields.host_id ?? `${region}-1`,
    };
    this.db
      .prepare(
        'INSERT OR REPLACE INTO machines (id, app, region, process_group, ipv6, state, host_id) VALUES (@id, @app, @region, @process_group, @ipv6, @state, @host_id)',
      )
      .run(row);
    return { id: row.id, ipv6: row.ipv6 };
  }

  setState(id: string, state: string): void {
    this.db.prepare('UPDATE machines SET state = ? WHERE id = ?').run(state, id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM machines WHERE id = ?').run(id);
  }
}
