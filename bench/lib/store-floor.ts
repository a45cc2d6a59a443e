// Figures that back the store benchmark's (a) verdict (bench/store.ts): the Automerge floor, a
// sketch of the SQLite part alone of a design without Automerge on the commit path, and WAL
// pages per commit.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Packr } from 'msgpackr';
import { CrdtDoc } from '../../src/crdt/automerge-doc.js';
import { docIdFor, encodeRowKey } from '../../src/crdt/row-key.js';
import { encodeRowValue } from '../../src/crdt/row-value.js';
import { monotonicMs } from '../../src/runtime/real-runtime.js';
import { Store } from '../../src/store/store.js';
import { BATCH, rawDb, row, SCHEMA, UPSERT } from './store-workload.js';

/**
 * The Automerge floor of (a): the same single-row writes done on Automerge handles alone, laid
 * out as the store lays them out (16 documents per table placed by the row key's hash, one bytes
 * value per row encoded as the store encodes it, values built before the clock starts). Per
 * transaction: `getAll` (the row's current value: every design must read it to plan the write;
 * for these never-written keys the documents' key filter answers without Automerge, as in the
 * store, which makes the floor lower and the ceiling more generous), `put`, `commit`,
 * `getLastLocalChange` (the change's bytes for the changeset). No SQLite, no
 * capture, no log: only what one Automerge change per transaction costs. Microseconds per
 * transaction.
 */
export function automergeFloorUs(count: number, warm = true): number {
  // Compiles and warms the same calls on throwaway documents first, as warmUp() does for the store.
  if (warm) automergeFloorUs(Math.min(count, 500), false);
  const actor = '0123456789abcdef0123456789abcdef';
  const docs = new Map<string, CrdtDoc>();
  const writes = [];
  for (let i = 0; i < count; i++) {
    const r = row(i);
    const key = encodeRowKey([BigInt(r[0])]);
    const value = encodeRowValue({
      cl: 1,
      cols: [r[1], BigInt(r[2]), r[3], r[4]].map((v) => ({ value: v, version: 1 })),
    });
    writes.push({ key, doc: docIdFor(key), value });
  }
  const handle = (id: string): CrdtDoc => {
    let d = docs.get(id);
    if (!d) {
      d = CrdtDoc.create(actor);
      docs.set(id, d);
    }
    return d;
  };
  const t = monotonicMs();
  for (const w of writes) {
    const d = handle(w.doc);
    d.getAllBytes(w.key);
    d.putBytes(w.key, w.value);
    if (!d.commit()) throw new Error('floor: commit produced no change');
  }
  const us = ((monotonicMs() - t) * 1000) / count;
  for (const d of docs.values()) d.free();
  return us;
}

/**
 * What taking Automerge off the commit path could reach (a sketch, not corro's code): the SQLite
 * part of a local commit alone, on raw better-sqlite3 in the same file mode. Per transaction: the
 * user's upsert with an AFTER trigger calling a JS capture function (as corro's), the row read
 * back, and one compact row-op record (table, key, values, HLC-like timestamp, msgpack) appended
 * to a log table in the same transaction. Automerge changes would then be built later (coalesced,
 * or on a worker) from that log, so `exec` could not return the changeset. Single-row
 * transactions per second.
 */
export function sqliteOnlySketch(dir: string, count: number): number {
  const db = rawDb(dir, 'sketch.db');
  db.exec('CREATE TABLE ops (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, op BLOB NOT NULL)');
  const touched: bigint[] = [];
  db.function('capture', { safeIntegers: true, deterministic: false }, (id: unknown) => {
    touched.push(id as bigint);
    return null;
  });
  db.exec(
    'CREATE TRIGGER cap AFTER INSERT ON items BEGIN SELECT capture(NEW.id); END; CREATE TRIGGER capu AFTER UPDATE ON items BEGIN SELECT capture(NEW.id); END;',
  );
  const up = db.prepare(UPSERT);
  const read = db
    .prepare('SELECT name, qty, price, note FROM items WHERE id = ?')
    .raw(true)
    .safeIntegers(true);
  const log = db.prepare('INSERT INTO ops (ts, op) VALUES (?, ?)');
  const packr = new Packr({ useRecords: false });
  let ts = 0;
  const tx = db.transaction((r: unknown[]) => {
    touched.length = 0;
    up.run(...r);
    const ops = touched.map((id) => ['items', id, read.get(id)]);
    log.run(++ts, packr.pack(ops));
  });
  for (let i = 0; i < 300; i++) tx(row(1_000_000 + i));
  const t = monotonicMs();
  for (let i = 0; i < count; i++) tx(row(i));
  const rate = count / ((monotonicMs() - t) / 1000);
  db.close();
  return rate;
}

/**
 * WAL pages each commit appends, corro against raw better-sqlite3 (same upserts, fresh files). A
 * second connection holds a read transaction open, so SQLite cannot restart the WAL and its size
 * grows by exactly the frames written; frames / commits. Returns [single-row, 1000-row] pages
 * per commit.
 */
export function walPagesPerCommit(dir: string): { corro: [number, number]; raw: [number, number] } {
  const singles = 1000;
  const batches = 10;
  const measure = (
    path: string,
    single: (i: number) => void,
    batch: (from: number) => void,
  ): [number, number] => {
    const reader = new Database(path, { readonly: true });
    const pageBytes = Number(reader.pragma('page_size', { simple: true })) + 24;
    const walBytes = () => statSync(`${path}-wal`).size;
    const pin = () => {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM items').get();
    };
    pin();
    let before = walBytes();
    for (let i = 0; i < singles; i++) single(2_000_000 + i);
    const perSingle = (walBytes() - before) / pageBytes / singles;
    reader.exec('COMMIT');
    pin();
    before = walBytes();
    for (let b = 0; b < batches; b++) batch(3_000_000 + b * BATCH);
    const perBatch = (walBytes() - before) / pageBytes / batches;
    reader.exec('COMMIT');
    reader.close();
    return [perSingle, perBatch];
  };
  const raw = rawDb(dir, 'wal-raw.db');
  const up = raw.prepare(UPSERT);
  const rawOne = raw.transaction((r: unknown[]) => up.run(...r));
  const rawBatch = raw.transaction((from: number) => {
    for (let i = from; i < from + BATCH; i++) up.run(...row(i));
  });
  for (let i = 0; i < 300; i++) rawOne(row(i));
  const rawPages = measure(
    join(dir, 'wal-raw.db'),
    (i) => rawOne(row(i)),
    (from) => rawBatch(from),
  );
  raw.close();
  const store = Store.open({ path: join(dir, 'wal-corro.db'), schema: SCHEMA });
  for (let i = 0; i < 300; i++) store.exec(UPSERT, row(i));
  const corroPages = measure(
    join(dir, 'wal-corro.db'),
    (i) => store.exec(UPSERT, row(i)),
    (from) =>
      store.transaction((tx) => {
        for (let i = from; i < from + BATCH; i++) tx.exec(UPSERT, row(i));
      }),
  );
  store.close();
  return { corro: corroPages, raw: rawPages };
}
