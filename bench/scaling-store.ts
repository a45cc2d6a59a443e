/**
 * Store scaling: what a write and an apply cost when the table holds 10k and 100k rows,
 * memory per row at rest, and disk per row as one column's history grows (after 1, 100 and
 * 1000 updates of every row). corro's store beside raw better-sqlite3 running the same
 * statements with the same settings (a file, WAL, synchronous=NORMAL), in the same run.
 *
 * Run: npm run bench -- scaling-store
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorroWorkload } from './lib/corro-store-workload.js';
import { dbBytes, usedBytes } from './lib/db-size.js';
import { type BenchOptions, runIfMain } from './lib/main.js';
import { memoryProbe } from './lib/memory-probe.js';
import { RawSqlite } from './lib/raw-sqlite.js';
import { type BenchResult, newResult } from './lib/result.js';
import { comparedPaired, figure } from './lib/stats.js';
import { UPDATE_ONE_SQL } from './lib/workload.js';

/** Sizes of a run. */
export interface ScalingSize {
  /** Row counts at which write and apply costs are read. */
  checkpoints: number[];
  batchRows: number;
  /** Batched transactions timed just below each checkpoint. */
  windowBatches: number;
  /** Single-row transactions timed at each checkpoint. */
  singleTx: number;
  runs: number;
  /** Rows whose column is updated again and again for the history figure. */
  historyRows: number;
  /** Update counts at which disk size is read. */
  historyPoints: number[];
}

/** Full and quick sizes. */
export function scalingSize(quick: boolean): ScalingSize {
  return quick
    ? {
        checkpoints: [2000, 5000],
        batchRows: 500,
        windowBatches: 2,
        singleTx: 50,
        runs: 1,
        historyRows: 10,
        historyPoints: [1, 10, 30],
      }
    : {
        checkpoints: [10_000, 100_000],
        batchRows: 1000,
        windowBatches: 3,
        singleTx: 100,
        runs: 2,
        historyRows: 10,
        historyPoints: [1, 100, 1000],
      };
}

/** What each implementation does for the write-cost runs. */
interface Writer {
  batched(from: number, batches: number, rows: number): number;
  single(from: number, count: number): number;
}

/** Timed windows of one fill, by checkpoint: µs per row (batched) and per transaction (single). */
interface WriteCosts {
  batchedUs: number[];
  singleUs: number[];
  /** Transaction numbers (1-based, = corro versions) of the timed batched windows. */
  windows: [number, number][];
}

/** Fills to each checkpoint in batches, timing the last batches below it and a few single-row transactions. */
function writeCosts(w: Writer, sz: ScalingSize): WriteCosts {
  const out: WriteCosts = { batchedUs: [], singleUs: [], windows: [] };
  let rows = 0;
  let tx = 0;
  // Single-row writes use ids far above the batched ones, so every write inserts a new row.
  let singleId = 1e9;
  for (const cp of sz.checkpoints) {
    const windowRows = sz.windowBatches * sz.batchRows;
    while (rows < cp - windowRows) {
      w.batched(rows, 1, sz.batchRows);
      rows += sz.batchRows;
      tx++;
    }
    const ms = w.batched(rows, sz.windowBatches, sz.batchRows);
    out.windows.push([tx + 1, tx + sz.windowBatches]);
    rows += windowRows;
    tx += sz.windowBatches;
    out.batchedUs.push((ms * 1000) / windowRows);
    out.singleUs.push((w.single(singleId, sz.singleTx) * 1000) / sz.singleTx);
    singleId += sz.singleTx;
    tx += sz.singleTx;
  }
  return out;
}

/** Applies every changeset of `src` into `dst` in order; µs per row over each timed window. */
function applyCosts(
  src: CorroWorkload,
  dst: CorroWorkload,
  windows: [number, number][],
  batchRows: number,
): number[] {
  const all = src.ownChangesets();
  const ms = windows.map(() => 0);
  for (const cs of all) {
    const t0 = performance.now();
    dst.store.apply([cs]);
    const dt = performance.now() - t0;
    const v = Number(cs.version);
    windows.forEach(([a, b], i) => {
      if (v >= a && v <= b) ms[i] = (ms[i] as number) + dt;
    });
  }
  return windows.map(([a, b], i) => ((ms[i] as number) * 1000) / ((b - a + 1) * batchRows));
}

/**
 * Disk bytes per row after each number of updates of one column of every row: the data in
 * the database's pages (see `usedBytes`), and the file size, each minus the same database
 * with the table empty.
 */
function historyBytes(
  open: () => { run: (sql: string, params: unknown[]) => void; close: () => void },
  file: string,
  sz: ScalingSize,
): { used: number[]; file: number[] } {
  let db = open();
  db.close();
  const emptyUsed = usedBytes(file);
  const emptyFile = dbBytes(file);
  db = open();
  for (let id = 0; id < sz.historyRows; id++)
    db.run('INSERT INTO items (id, name, n, v) VALUES (?, ?, ?, ?)', [id, `item-${id}`, 0, 0]);
  const out = { used: [] as number[], file: [] as number[] };
  let done = 0;
  for (const point of sz.historyPoints) {
    for (; done < point; done++)
      for (let id = 0; id < sz.historyRows; id++) db.run(UPDATE_ONE_SQL, [done + 1, id]);
    // Closing checkpoints the WAL into the main file, so the size read is what stays on disk.
    db.close();
    out.used.push((usedBytes(file) - emptyUsed) / sz.historyRows);
    out.file.push((dbBytes(file) - emptyFile) / sz.historyRows);
    db = open();
  }
  db.close();
  return out;
}

/** Runs the scaling benchmark; see the module comment. */
export async function run(opts: BenchOptions): Promise<BenchResult> {
  const sz = scalingSize(opts.quick);
  const result = newResult('scaling-store');
  result.title = 'store scaling: write and apply cost by table size, memory per row, history growth';
  result.command = 'npm run bench -- scaling-store';
  const dir = mkdtempSync(join(tmpdir(), 'corro-bench-scaling-'));
  const raw: WriteCosts[] = [];
  const corro: WriteCosts[] = [];
  const apply: number[][] = [];
  try {
    for (let r = 0; r < sz.runs; r++) {
      const rawDb = new RawSqlite(join(dir, `raw-${r}.db`));
      raw.push(
        writeCosts(
          { batched: (f, b, n) => rawDb.batchedRows(f, b, n), single: (f, c) => rawDb.singleRows(f, c) },
          sz,
        ),
      );
      rawDb.close();
      const src = CorroWorkload.open(join(dir, `corro-${r}.db`));
      const costs = writeCosts(
        { batched: (f, b, n) => src.batchedRows(f, b, n), single: (f, c) => src.singleRows(f, c) },
        sz,
      );
      corro.push(costs);
      const dst = CorroWorkload.open(join(dir, `corro-dst-${r}.db`));
      apply.push(applyCosts(src, dst, costs.windows, sz.batchRows));
      if (dst.count() !== src.count())
        throw new Error('apply did not reproduce the table: the benchmark is broken');
      src.close();
      dst.close();
      rmSync(join(dir, `raw-${r}.db`), { force: true });
    }
    sz.checkpoints.forEach((cp, i) => {
      const g = `cost at ${cp.toLocaleString('en-US')} rows (file, WAL, synchronous=NORMAL)`;
      const col = (xs: WriteCosts[], k: 'batchedUs' | 'singleUs') => xs.map((c) => c[k][i] as number);
      result.figures.push(
        figure('batched write', 'µs/row', col(raw, 'batchedUs'), { group: g, impl: 'raw better-sqlite3' }),
        comparedPaired(
          'batched write',
          'µs/row',
          col(corro, 'batchedUs'),
          { name: 'raw better-sqlite3', samples: col(raw, 'batchedUs') },
          { group: g, impl: 'corro store' },
        ),
        figure('single-row transaction', 'µs/tx', col(raw, 'singleUs'), {
          group: g,
          impl: 'raw better-sqlite3',
        }),
        comparedPaired(
          'single-row transaction',
          'µs/tx',
          col(corro, 'singleUs'),
          { name: 'raw better-sqlite3', samples: col(raw, 'singleUs') },
          { group: g, impl: 'corro store' },
        ),
        comparedPaired(
          'apply (remote changesets)',
          'µs/row',
          apply.map((a) => a[i] as number),
          { name: 'raw better-sqlite3 batched write', samples: col(raw, 'batchedUs') },
          { group: g, impl: 'corro store', goal: '>= 10k row changes/s = <= 100 µs/row' },
        ),
      );
    });

    const rows = sz.checkpoints[sz.checkpoints.length - 1] as number;
    const memRaw: number[] = [];
    const memCorro: number[] = [];
    for (let r = 0; r < sz.runs; r++) {
      memRaw.push(memoryProbe('raw', rows, sz.batchRows, join(dir, `mem-raw-${r}.db`)));
      memCorro.push(memoryProbe('corro', rows, sz.batchRows, join(dir, `mem-corro-${r}.db`)));
    }
    const gm = `memory at rest, ${rows.toLocaleString('en-US')} rows written, then idle (separate process each)`;
    result.figures.push(
      figure('RSS per row', 'B/row', memRaw, { group: gm, impl: 'raw better-sqlite3' }),
      comparedPaired(
        'RSS per row',
        'B/row',
        memCorro,
        { name: 'raw better-sqlite3', samples: memRaw },
        { group: gm, impl: 'corro store', goal: '<= 2 KB RSS per replicated row' },
      ),
    );

    const gh = `disk per row after N updates of one column (${sz.historyRows} rows, one transaction per update)`;
    const hRaw: { used: number[]; file: number[] }[] = [];
    const hCorro: { used: number[]; file: number[] }[] = [];
    for (let r = 0; r < sz.runs; r++) {
      const fr = join(dir, `hist-raw-${r}.db`);
      hRaw.push(
        historyBytes(
          () => {
            const d = new RawSqlite(fr);
            return { run: (s, p) => void d.db.prepare(s).run(...p), close: () => d.close() };
          },
          fr,
          sz,
        ),
      );
      const fc = join(dir, `hist-corro-${r}.db`);
      hCorro.push(
        historyBytes(
          () => {
            const c = CorroWorkload.open(fc);
            return { run: (s, p) => void c.store.exec(s, p), close: () => c.close() };
          },
          fc,
          sz,
        ),
      );
    }
    sz.historyPoints.forEach((p, i) => {
      const label = `after ${p} update${p === 1 ? '' : 's'}`;
      const at = (hs: { used: number[]; file: number[] }[], k: 'used' | 'file') =>
        hs.map((h) => h[k][i] as number);
      result.figures.push(
        figure(`data in pages, ${label}`, 'B/row', at(hRaw, 'used'), {
          group: gh,
          impl: 'raw better-sqlite3',
        }),
        comparedPaired(
          `data in pages, ${label}`,
          'B/row',
          at(hCorro, 'used'),
          { name: 'raw better-sqlite3', samples: at(hRaw, 'used') },
          { group: gh, impl: 'corro store' },
        ),
        comparedPaired(
          `file size, ${label}`,
          'B/row',
          at(hCorro, 'file'),
          { name: 'raw better-sqlite3', samples: at(hRaw, 'file') },
          {
            group: gh,
            impl: 'corro store',
            note: 'whole pages: with few rows the raw file does not grow at all',
          },
        ),
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.notes = [
    'Write cost at N rows: the last batches of 1000-row upsert transactions that bring the table to N rows (3 batches), and 100 single-row upsert transactions right after; the same statements on raw better-sqlite3 with the same pragmas in the same run.',
    "Apply cost at N rows: a fresh corro store applies the writer's changesets in version order, one per apply() call; the timed window is the same batches as the write window. The raw baseline for apply is raw SQLite writing those rows (SQLite has no apply).",
    'Memory at rest: a separate Node process opens the database, writes the rows, runs the GC, waits, and reports (RSS after - RSS before opening) / rows; better-sqlite3 keeps its default page cache.',
    "Disk per row: after close (WAL checkpointed), the bytes of data in the database's pages (SQLite dbstat: page size minus unused bytes, every table and index, corro's CRDT state and changeset log included) and the file size, each minus the same database with the table empty, divided by rows. Each update of one column is its own transaction (one changeset each in corro).",
    'Figures were taken on a shared 2-core machine while other engineers ran test suites; ratios from the same run are the meaningful part.',
  ];
  if (opts.quick) result.notes.push('QUICK smoke run: small tables, one repetition; not a real figure.');
  return result;
}

await runIfMain(import.meta.url, run);
