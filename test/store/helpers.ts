import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { Store } from '../../src/store/store.js';
import type { StoreOptions } from '../../src/store/store-options.js';

/** A deterministic runtime for store tests (virtual clock, seeded rng). */
export function testRuntime(seed: number, scheduler = new VirtualScheduler()): Runtime {
  return { clock: scheduler.clock, rng: seededRng(seed), scheduler };
}

/** The schema most store tests use: a composite-key table and a single-key table. */
export const SCHEMA = `
  CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name TEXT, score REAL, tags BLOB, n INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE kv (ns TEXT NOT NULL, k TEXT NOT NULL, v, PRIMARY KEY (ns, k));
  CREATE INDEX users_name ON users (name);
`;

/** Opens an in-memory store with a deterministic runtime. */
export function memStore(seed: number, extra: Partial<StoreOptions> = {}): Store {
  return Store.open({ path: ':memory:', schema: SCHEMA, runtime: testRuntime(seed), ...extra });
}

/** Every row of every table, in key order, with storage classes (so 1 and 1.0 differ). */
export function dump(store: Store): Record<string, unknown[]> {
  return {
    users: store.query(
      'SELECT id, name, score, typeof(score) AS ts, hex(tags) AS tags, n, typeof(n) AS tn FROM users ORDER BY id',
    ),
    kv: store.query('SELECT ns, k, v, typeof(v) AS tv FROM kv ORDER BY ns, k'),
  };
}

/**
 * Returns an opener of in-memory stores that are all closed after each test of the calling
 * file (call it at the top level of a test file).
 */
export function storesClosedAfterEach(): (seed: number, extra?: Partial<StoreOptions>) => Store {
  const open: Store[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  return (seed, extra) => {
    const s = memStore(seed, extra);
    open.push(s);
    return s;
  };
}

/**
 * A fresh temporary directory for this test file, removed after its tests; returns a function
 * giving a new database file path in it on each call.
 */
export function tempDbFiles(prefix: string): () => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return () => join(dir, `db${n++}.sqlite`);
}
