import { describe, expect, it } from 'vitest';
import { loadCrSqlite } from '../../bench/lib/crsqlite-wasm.js';
import { mergeAll, WasmWorkload } from '../../bench/lib/crsqlite-workload.js';
import { RawSqlite } from '../../bench/lib/raw-sqlite.js';

// The cr-sqlite baseline only means something if the WASM build really runs cr-sqlite and
// its merge really moves rows; these check the adapter, not its speed.
describe('cr-sqlite WASM adapter', () => {
  it('writes to a CRR table and merges every row into a fresh database', async () => {
    const cr = await loadCrSqlite();
    expect(cr.sqliteVersion).toMatch(/^3\./);
    const a = await WasmWorkload.open(cr, true);
    const b = await WasmWorkload.open(cr, true);
    await a.singleRows(0, 5);
    await a.batchedRows(100, 2, 10);
    await a.singleRows(0, 2, 1); // updates of existing rows
    const { changes } = await mergeAll(a, b);
    expect(changes).toBeGreaterThanOrEqual(25 * 3);
    expect(await b.count()).toBe(25);
    const q = 'SELECT id, name, n, v FROM items ORDER BY id';
    expect(await b.db.query(q)).toEqual(await a.db.query(q));
    expect((await b.db.query('SELECT name FROM items WHERE id = 1'))[0]?.[0]).toBe('item-1-r1');
    await a.close();
    await b.close();
  });

  it('plain WASM SQLite runs the same statements without upgrading the table to a CRR', async () => {
    const cr = await loadCrSqlite();
    const w = await WasmWorkload.open(cr, false);
    await w.batchedRows(0, 1, 20);
    expect(await w.count()).toBe(20);
    expect(await w.db.query("SELECT count(*) FROM sqlite_master WHERE name LIKE 'items__crsql%'")).toEqual([
      [0],
    ]);
    await w.close();
  });

  it('the raw better-sqlite3 baseline writes what the workload says', () => {
    const raw = new RawSqlite(':memory:');
    raw.singleRows(0, 3);
    raw.batchedRows(10, 2, 5);
    expect(raw.db.prepare('SELECT count(*) AS c FROM items').get()).toEqual({ c: 13 });
    raw.close();
  });
});
