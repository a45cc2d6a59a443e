// Store benchmark (npm run bench:store): raw better-sqlite3 upserts versus corro, same run, same
// machine, same schema and rows. Figures are medians of RUNS runs; see docs/benchmarks.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { monotonicMs } from '../src/runtime/real-runtime.js';
import { Store } from '../src/store/store.js';
import type { Changeset } from '../src/store/types.js';
import { type Figure, newResult, printResult, summarize, writeResult } from './lib/result.js';

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

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface RunFigures {
  rawSingle: number;
  corroSingle: number;
  rawBatch: number;
  corroBatch: number;
  rawApply: number;
  corroApply: number;
  bytesPerRowWriter: number;
  bytesPerRowApplier: number;
}

function oneRun(dir: string): RunFigures {
  // (a) single-row transactions
  const raw = rawDb(dir, 'raw.db');
  const up = raw.prepare(UPSERT);
  const rawTx = raw.transaction((r: unknown[]) => up.run(...r));
  let t = monotonicMs();
  for (let i = 0; i < SINGLE; i++) rawTx(row(i));
  const rawSingle = SINGLE / ((monotonicMs() - t) / 1000);

  gc();
  const rssBefore = process.memoryUsage().rss;
  const store = Store.open({ path: join(dir, 'corro.db'), schema: SCHEMA });
  const log: Changeset[] = [];
  t = monotonicMs();
  for (let i = 0; i < SINGLE; i++) {
    const cs = store.exec(UPSERT, row(i));
    if (cs) log.push(cs);
  }
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
    const cs = store.transaction((tx) => {
      for (let i = SINGLE + b; i < SINGLE + b + BATCH; i++) tx.exec(UPSERT, row(i));
    });
    if (cs) log.push(cs);
  }
  const corroBatch = BATCH_ROWS / ((monotonicMs() - t) / 1000);
  const totalRows = SINGLE + BATCH_ROWS;
  gc();
  const bytesPerRowWriter = (process.memoryUsage().rss - rssBefore) / totalRows;

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

  store.close();
  raw.close();
  raw2.close();
  gc();
  const rssBefore2 = process.memoryUsage().rss;
  const fresh = Store.open({ path: join(dir, 'corro2.db'), schema: SCHEMA });
  t = monotonicMs();
  // Peers deliver in bounded messages; apply in groups of 100 changesets.
  for (let i = 0; i < log.length; i += 100) fresh.apply(log.slice(i, i + 100));
  const corroApply = totalRows / ((monotonicMs() - t) / 1000);
  const n = fresh.query<{ n: number }>('SELECT count(*) AS n FROM items')[0]?.n;
  if (n !== totalRows) throw new Error(`apply produced ${n} rows, expected ${totalRows}`);
  log.length = 0;
  gc();
  const bytesPerRowApplier = (process.memoryUsage().rss - rssBefore2) / totalRows;
  fresh.close();
  return {
    rawSingle,
    corroSingle,
    rawBatch,
    corroBatch,
    rawApply,
    corroApply,
    bytesPerRowWriter,
    bytesPerRowApplier,
  };
}

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
    f.ratio = s.median / b.median;
  }
  if (goal) f.goal = goal;
  if (note) f.note = note;
  return f;
}

const wal = 'file database, WAL, synchronous=NORMAL, 5 columns (int key, text, int, real, text)';
const result = newResult('store', [
  figure(`(a) ${SINGLE} single-row transactions`, 'rows/s', 'corroSingle', 'rawSingle', '>= 0.5 x raw', wal),
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
  figure(
    'RSS per row at rest, writer store',
    'bytes/row',
    'bytesPerRowWriter',
    undefined,
    '<= 2048 bytes/row',
    'RSS growth from before open to after all writes (documents loaded), after GC',
  ),
  figure(
    'RSS per row at rest, applier store',
    'bytes/row',
    'bytesPerRowApplier',
    undefined,
    '<= 2048 bytes/row',
    'RSS growth from before open to after applying everything (documents loaded), after GC',
  ),
]);
printResult(result);
console.log(`wrote ${writeResult(result)}`);
