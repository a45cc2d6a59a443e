// Store benchmark (npm run bench:store): raw better-sqlite3 upserts versus corro, same run, same
// machine, same schema and rows. Figures are medians of RUNS runs; see docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import Database from 'better-sqlite3';
import { Packr } from 'msgpackr';
import { CrdtDoc } from '../src/crdt/automerge-doc.js';
import { docIdFor, encodeRowKey } from '../src/crdt/row-key.js';
import { encodeRowValue } from '../src/crdt/row-value.js';
import { monotonicMs } from '../src/runtime/real-runtime.js';
import { Store } from '../src/store/store.js';
import type { Changeset } from '../src/store/types.js';
import { writeDocs } from './lib/docs.js';
import { DOCS_PATH, DOCS_SKELETON } from './lib/docs-skeleton.js';
import { type Figure, newResult, printResult, RESULTS_DIR, summarize, writeResult } from './lib/result.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SINGLE = Number(process.env.BENCH_SINGLE ?? 5_000);
const BATCH_ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 100_000);
const BATCH = 1_000;

const SCHEMA = `CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, name TEXT, qty INTEGER, price REAL, note TEXT);`;
const UPSERT =
  'INSERT INTO items (id, name, qty, price, note) VALUES (?, ?, ?, ?, ?) ' +
  'ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty = excluded.qty, price = excluded.price, note = excluded.note';

function row(i: number): [number, string, number, number, string] {
  return [i, `item-${i}`, i % 97, (i % 1000) / 10 + 0.25, `note for item ${i}`];
}

function rawDb(dir: string, name: string): Database.Database {
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}

// A real GC before each RSS reading, without requiring --expose-gc on the command line.
v8.setFlagsFromString('--expose-gc');
const gcFn = vm.runInNewContext('gc') as () => void;
function gc(): void {
  gcFn();
  gcFn();
}

interface RunFigures {
  rawSingle: number;
  corroSingle: number;
  /** Automerge handle work alone per single-row transaction, microseconds. */
  automergeUs: number;
  /** Raw SQLite's single-row transaction, microseconds (1e6 / rawSingle). */
  rawUs: number;
  /** Best (a) ratio any design making one Automerge change per transaction can reach: raw / (raw + Automerge). */
  floorRatio: number;
  /** Single-row transactions/s of the SQLite part alone (capture, read-back, one row-op log row): {@link sqliteOnlySketch}. */
  sketchSingle: number;
  rawBatch: number;
  corroBatch: number;
  rawApply: number;
  corroApply: number;
}

/** Compiles and warms the code paths (JIT, WebAssembly) outside the timed sections. */
function warmUp(): void {
  const a = Store.open({ path: ':memory:', schema: SCHEMA });
  const b = Store.open({ path: ':memory:', schema: SCHEMA });
  for (let i = 0; i < 300; i++) a.exec(UPSERT, row(i));
  a.transaction((tx) => {
    for (let i = 300; i < 1300; i++) tx.exec(UPSERT, row(i));
  });
  b.apply(a.changesetsFor({ [a.actorId]: [[1, 1000]] }));
  a.close();
  b.close();
}

/**
 * The Automerge floor of (a): the same single-row writes done on Automerge handles alone, laid
 * out as the store lays them out (16 documents per table placed by the row key's hash, one bytes
 * value per row encoded as the store encodes it, values built before the clock starts). Per
 * transaction: `getAll` (the row's current value: every design must read it to plan the write),
 * `put`, `commit`, `getLastLocalChange` (the change's bytes for the changeset). No SQLite, no
 * capture, no log: only what one Automerge change per transaction costs. Microseconds per
 * transaction.
 */
function automergeFloorUs(count: number, warm = true): number {
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
function sqliteOnlySketch(dir: string, count: number): number {
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
function walPagesPerCommit(dir: string): { corro: [number, number]; raw: [number, number] } {
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

function oneRun(dir: string): RunFigures {
  warmUp();
  // (a) single-row transactions
  const raw = rawDb(dir, 'raw.db');
  const up = raw.prepare(UPSERT);
  const rawTx = raw.transaction((r: unknown[]) => up.run(...r));
  let t = monotonicMs();
  for (let i = 0; i < SINGLE; i++) rawTx(row(i));
  const rawSingle = SINGLE / ((monotonicMs() - t) / 1000);
  const rawUs = 1e6 / rawSingle;
  const automergeUs = automergeFloorUs(SINGLE);
  const sketchSingle = sqliteOnlySketch(dir, SINGLE);
  const floorRatio = rawUs / (rawUs + automergeUs);

  const store = Store.open({ path: join(dir, 'corro.db'), schema: SCHEMA });
  t = monotonicMs();
  for (let i = 0; i < SINGLE; i++) store.exec(UPSERT, row(i));
  const corroSingle = SINGLE / ((monotonicMs() - t) / 1000);

  // (b) 1000-row transactions (ids continue after the single-row ones)
  const rawBatchTx = raw.transaction((from: number) => {
    for (let i = from; i < from + BATCH; i++) up.run(...row(i));
  });
  t = monotonicMs();
  for (let b = 0; b < BATCH_ROWS; b += BATCH) rawBatchTx(SINGLE + b);
  const rawBatch = BATCH_ROWS / ((monotonicMs() - t) / 1000);

  t = monotonicMs();
  for (let b = 0; b < BATCH_ROWS; b += BATCH) {
    store.transaction((tx) => {
      for (let i = SINGLE + b; i < SINGLE + b + BATCH; i++) tx.exec(UPSERT, row(i));
    });
  }
  const corroBatch = BATCH_ROWS / ((monotonicMs() - t) / 1000);
  const totalRows = SINGLE + BATCH_ROWS;

  // (c) apply every changeset to a fresh store; raw baseline: the same upserts, same grouping
  const raw2 = rawDb(dir, 'raw2.db');
  const up2 = raw2.prepare(UPSERT);
  const rawGroup = raw2.transaction((from: number, n: number) => {
    for (let i = from; i < from + n; i++) up2.run(...row(i));
  });
  t = monotonicMs();
  for (let i = 0; i < SINGLE; i++) rawGroup(i, 1);
  for (let b = 0; b < BATCH_ROWS; b += BATCH) rawGroup(SINGLE + b, BATCH);
  const rawApply = totalRows / ((monotonicMs() - t) / 1000);

  raw.close();
  raw2.close();
  // The changesets come from the writer's log in bounded chunks, as anti-entropy would serve them;
  // only the time spent in apply() is counted.
  const total = store.syncState().books[store.actorId]?.max ?? 0;
  const fresh = Store.open({ path: join(dir, 'corro2.db'), schema: SCHEMA });
  let applyMs = 0;
  for (let v = 1; v <= total; v += 100) {
    const chunk: Changeset[] = store.changesetsFor({ [store.actorId]: [[v, v + 99]] });
    t = monotonicMs();
    fresh.apply(chunk);
    applyMs += monotonicMs() - t;
  }
  const corroApply = totalRows / (applyMs / 1000);
  const n = fresh.query<{ n: number }>('SELECT count(*) AS n FROM items')[0]?.n;
  if (n !== totalRows) throw new Error(`apply produced ${n} rows, expected ${totalRows}`);
  fresh.close();
  store.close();
  return {
    rawSingle,
    corroSingle,
    automergeUs,
    rawUs,
    floorRatio,
    sketchSingle,
    rawBatch,
    corroBatch,
    rawApply,
    corroApply,
  };
}

/**
 * Memory at rest is measured in fresh child processes (RSS never shrinks, so a process that ran
 * the throughput runs cannot measure it). `writer`: write every row into a new store; `applier`:
 * apply the writer's changesets to a new store. Prints bytes of RSS growth per row, after GC,
 * with every document loaded.
 */
function rssChild(mode: string, dir: string): void {
  const totalRows = SINGLE + BATCH_ROWS;
  if (mode === 'writer') {
    gc();
    const before = process.memoryUsage().rss;
    const store = Store.open({ path: join(dir, 'w.db'), schema: SCHEMA });
    for (let i = 0; i < SINGLE; i++) store.exec(UPSERT, row(i));
    for (let b = 0; b < BATCH_ROWS; b += BATCH) {
      store.transaction((tx) => {
        for (let i = SINGLE + b; i < SINGLE + b + BATCH; i++) tx.exec(UPSERT, row(i));
      });
    }
    gc();
    console.log(
      JSON.stringify({
        bytesPerRow: (process.memoryUsage().rss - before) / totalRows,
        docs: store.stats().loadedDocs,
      }),
    );
    store.close();
    return;
  }
  const src = Store.open({ path: join(dir, 'w.db'), schema: SCHEMA });
  const total = src.syncState().books[src.actorId]?.max ?? 0;
  gc();
  const before = process.memoryUsage().rss;
  const fresh = Store.open({ path: join(dir, 'a.db'), schema: SCHEMA });
  for (let v = 1; v <= total; v += 100) fresh.apply(src.changesetsFor({ [src.actorId]: [[v, v + 99]] }));
  gc();
  console.log(
    JSON.stringify({
      bytesPerRow: (process.memoryUsage().rss - before) / totalRows,
      docs: fresh.stats().loadedDocs,
    }),
  );
  fresh.close();
  src.close();
}

function measureRss(): { writer: number; applier: number } {
  const dir = mkdtempSync(join(tmpdir(), 'corro-bench-rss-'));
  try {
    const run = (mode: string): number => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, '--rss-child', mode, dir],
        {
          encoding: 'utf8',
          env: process.env,
        },
      );
      if (r.status !== 0) throw new Error(`rss child ${mode} failed: ${r.stderr}`);
      const line = r.stdout.trim().split('\n').pop() ?? '{}';
      return (JSON.parse(line) as { bytesPerRow: number }).bytesPerRow;
    };
    return { writer: run('writer'), applier: run('applier') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--rss-child');
if (childAt >= 0) {
  rssChild(process.argv[childAt + 1] ?? '', process.argv[childAt + 2] ?? '');
} else {
  main();
}

function main(): void {
  const loadStart = loadavg()[0]?.toFixed(1);
  const runs: RunFigures[] = [];
  for (let r = 0; r < RUNS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'corro-bench-store-'));
    try {
      runs.push(oneRun(dir));
      console.error(`run ${r + 1}/${RUNS} done`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  function figure(
    name: string,
    unit: string,
    key: keyof RunFigures,
    base?: keyof RunFigures,
    goal?: string,
    note?: string,
  ): Figure {
    const s = summarize(runs.map((x) => x[key]));
    const f: Figure = { name, unit, ...s };
    if (base) {
      const b = summarize(runs.map((x) => x[base]));
      f.baseline = { name: 'raw better-sqlite3 upserts', median: b.median, min: b.min, max: b.max };
      // Paired per run: on a shared machine the load moves between runs, so the ratio of each
      // run's figure to the raw baseline of the same run is steadier than a ratio of medians.
      const paired = summarize(runs.map((x) => x[key] / x[base]));
      f.ratio = paired.median;
      f.ratioRange = { min: paired.min, max: paired.max };
    }
    if (key === 'automergeUs') {
      const b = summarize(runs.map((x) => x.rawUs));
      f.baseline = {
        name: 'raw better-sqlite3 single-row transaction, µs',
        median: b.median,
        min: b.min,
        max: b.max,
      };
      const paired = runs.map((x) => x.automergeUs / x.rawUs);
      const p = summarize(paired);
      f.ratio = p.median;
      f.ratioRange = { min: p.min, max: p.max };
    }
    if (goal) f.goal = goal;
    if (note) f.note = note;
    return f;
  }

  const load = `machine load average at start ${loadStart}, at end ${loadavg()[0]?.toFixed(1)} (shared machine)`;
  const wal = `file database, WAL, synchronous=NORMAL, 5 columns (int key, text, int, real, text); ${load}`;
  const result = newResult('store', [
    figure(
      `(a) ${SINGLE} single-row transactions`,
      'rows/s',
      'corroSingle',
      'rawSingle',
      '>= 0.5 x raw',
      wal,
    ),
    figure(
      '(a) Automerge alone, per single-row transaction',
      'µs/tx',
      'automergeUs',
      undefined,
      undefined,
      `the same ${SINGLE} single-row writes on Automerge handles only (16 documents, one bytes value per row, as the store lays them out): getAll + put + commit + getLastLocalChange; ratio = Automerge / raw better-sqlite3's whole single-row transaction, same run`,
    ),
    figure(
      '(a) ceiling with one Automerge change per transaction',
      'x raw',
      'floorRatio',
      undefined,
      '>= 0.5 x raw',
      "raw / (raw + Automerge alone), per run: the best (a) ratio any design that makes one Automerge change per transaction, synchronously in the commit, can reach (it must also do raw's upsert)",
    ),
    figure(
      '(a) sketch: Automerge off the commit path (SQLite part alone)',
      'rows/s',
      'sketchSingle',
      'rawSingle',
      '>= 0.5 x raw',
      "not corro's code: raw better-sqlite3 with a capture trigger calling JS, the row read back and one msgpack row-op record appended to a log table, one transaction per row; what a design that builds Automerge changes later (coalesced or on a worker) could reach, with the changeset no longer ready when exec returns",
    ),
    figure(
      `(b) ${BATCH_ROWS} rows in ${BATCH}-row transactions`,
      'rows/s',
      'corroBatch',
      'rawBatch',
      '>= 20k rows/s',
      wal,
    ),
    figure(
      `(c) apply ${SINGLE + BATCH_ROWS} row changes to a fresh store`,
      'rows/s',
      'corroApply',
      'rawApply',
      '>= 10k row changes/s',
      `${SINGLE} single-row + ${BATCH_ROWS / BATCH} ${BATCH}-row changesets, applied 100 per call; raw baseline: same upserts, same grouping`,
    ),
  ]);
  const walDir = mkdtempSync(join(tmpdir(), 'corro-bench-wal-'));
  let walPages: ReturnType<typeof walPagesPerCommit>;
  try {
    walPages = walPagesPerCommit(walDir);
  } finally {
    rmSync(walDir, { recursive: true, force: true });
  }
  const walNote =
    'WAL frames appended per commit (a reader connection holds the WAL open so its growth counts every frame); 1000 single-row commits, 10 1000-row commits; deterministic for given code, one run';
  for (const [i, what] of [
    [0, 'single-row'],
    [1, `${BATCH}-row`],
  ] as const) {
    result.figures.push({
      name: `WAL pages per ${what} commit`,
      unit: 'pages/commit',
      median: walPages.corro[i],
      min: walPages.corro[i],
      max: walPages.corro[i],
      runs: 1,
      baseline: {
        name: 'raw better-sqlite3 upserts',
        median: walPages.raw[i],
        min: walPages.raw[i],
        max: walPages.raw[i],
      },
      ratio: walPages.corro[i] / walPages.raw[i],
      note: walNote,
    });
  }
  const rss = measureRss();
  const rssNote = `RSS growth in a fresh child process from before open to after all ${SINGLE + BATCH_ROWS} rows, after GC, every document loaded; one run`;
  result.figures.push(
    {
      name: 'RSS per row at rest, writer store',
      unit: 'bytes/row',
      median: rss.writer,
      min: rss.writer,
      max: rss.writer,
      runs: 1,
      goal: '<= 2048 bytes/row',
      note: rssNote,
    },
    {
      name: 'RSS per row at rest, applier store',
      unit: 'bytes/row',
      median: rss.applier,
      min: rss.applier,
      max: rss.applier,
      runs: 1,
      goal: '<= 2048 bytes/row',
      note: rssNote,
    },
  );
  result.loadAvg1 = loadavg()[0];
  printResult(result);
  const ceiling = summarize(runs.map((x) => x.floorRatio));
  console.log(
    `Automerge floor: ${summarize(runs.map((x) => x.automergeUs)).median.toFixed(1)} µs per single-row transaction against raw's ${summarize(runs.map((x) => x.rawUs)).median.toFixed(1)} µs: one Automerge change per transaction caps (a) at ${ceiling.median.toFixed(2)} x raw [${ceiling.min.toFixed(2)}..${ceiling.max.toFixed(2)}]`,
  );
  console.log(`wrote ${writeResult(result)}`);
  writeDocs(RESULTS_DIR, DOCS_PATH, DOCS_SKELETON);
  console.log(`regenerated ${DOCS_PATH}`);
}
