import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FLEET_SCHEMA_SQL } from '../../src/dns/fleet-schema.js';

const root = join(import.meta.dirname, '..', '..');

describe('fleet schema', () => {
  it('the exported constant is the example file, byte for byte', () => {
    expect(FLEET_SCHEMA_SQL).toBe(readFileSync(join(root, 'examples', 'fleet-schema.sql'), 'utf8'));
  });

  it("obeys corro's schema rules (NOT NULL key, defaults, no UNIQUE, no foreign keys)", () => {
    const db = new Database(':memory:');
    db.exec(FLEET_SCHEMA_SQL);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name).sort()).toEqual(['hosts', 'machines']);
    for (const { name } of tables) {
      const cols = db.prepare(`PRAGMA table_info(${name})`).all() as {
        name: string;
        notnull: number;
        dflt_value: unknown;
        pk: number;
      }[];
      const pk = cols.filter((c) => c.pk > 0);
      expect(pk.length, name).toBeGreaterThan(0);
      for (const c of pk) expect(c.notnull, `${name}.${c.name}`).toBe(1);
      for (const c of cols.filter((c) => c.pk === 0 && c.notnull === 1)) {
        expect(c.dflt_value, `${name}.${c.name} needs a DEFAULT`).not.toBeNull();
      }
      expect(db.prepare(`PRAGMA foreign_key_list(${name})`).all(), name).toEqual([]);
      const unique = (
        db.prepare(`PRAGMA index_list(${name})`).all() as { unique: number; origin: string }[]
      ).filter((i) => i.unique === 1 && i.origin !== 'pk');
      expect(unique, name).toEqual([]);
    }
  });
});
