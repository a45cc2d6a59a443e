/**
 * corro's store beside cr-sqlite (the CRDT extension Corrosion runs on) and raw SQLite, on
 * one workload, in one run: single-row upsert transactions, 1000-row upsert transactions,
 * and merging everything one database wrote into a fresh one.
 *
 * cr-sqlite runs as WebAssembly (the build inside @vlcn.io/wa-sqlite); its native build
 * cannot be installed here. So that the WASM cost is not charged to cr-sqlite's CRDT
 * machinery, plain SQLite in the same WASM build runs the same statements, and cr-sqlite's
 * ratio is taken against it. Everything runs in memory (wa-sqlite has no Node file VFS).
 *
 * corro's store runs natively (better-sqlite3) with Automerge's own WASM inside, also in
 * memory here so that all four store their pages alike.
 *
 * Run: npm run bench -- crsqlite
 */
import { CorroWorkload, mergeAllCorro } from './lib/corro-store-workload.js';
import { CrSqliteUnavailableError, type CrSqliteWasm, loadCrSqlite } from './lib/crsqlite-wasm.js';
import { mergeAll, WasmWorkload } from './lib/crsqlite-workload.js';
import { type BenchOptions, runIfMain } from './lib/main.js';
import { RawSqlite } from './lib/raw-sqlite.js';
import { type BenchResult, type Figure, newResult } from './lib/result.js';
import { comparedPaired, figure, perSecond } from './lib/stats.js';
import type { WorkloadSize } from './lib/workload.js';

const NATIVE = 'raw better-sqlite3 (native, :memory:)';
const WASM = 'raw SQLite 3.44 (WASM, :memory:)';
const CRSQL = 'cr-sqlite (WASM, :memory:)';
const CORRO = 'corro store (native better-sqlite3 + Automerge WASM, :memory:)';

/** Workload sizes: full runs and the quick smoke run. */
export function sizes(quick: boolean): WorkloadSize {
  return quick
    ? { singleTx: 200, batches: 2, batchRows: 1000, runs: 1 }
    : { singleTx: 3000, batches: 20, batchRows: 1000, runs: 5 };
}

interface Samples {
  single: number[];
  batched: number[];
  mergeRows: number[];
  mergeChanges: number[];
}

function emptySamples(): Samples {
  return { single: [], batched: [], mergeRows: [], mergeChanges: [] };
}

async function runWasm(cr: CrSqliteWasm, crr: boolean, size: WorkloadSize, into: Samples): Promise<void> {
  const a = await WasmWorkload.open(cr, crr);
  try {
    into.single.push(perSecond(size.singleTx, await a.singleRows(0, size.singleTx)));
    const rows = size.batches * size.batchRows;
    into.batched.push(perSecond(rows, await a.batchedRows(1_000_000, size.batches, size.batchRows)));
    if (!crr) return;
    const b = await WasmWorkload.open(cr, true);
    try {
      const { ms, changes } = await mergeAll(a, b);
      const total = await a.count();
      if ((await b.count()) !== total) throw new Error('cr-sqlite merge lost rows: the benchmark is broken');
      into.mergeRows.push(perSecond(total, ms));
      into.mergeChanges.push(perSecond(changes, ms));
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
}

function runNative(size: WorkloadSize, into: Samples): void {
  const raw = new RawSqlite(':memory:');
  try {
    into.single.push(perSecond(size.singleTx, raw.singleRows(0, size.singleTx)));
    const rows = size.batches * size.batchRows;
    into.batched.push(perSecond(rows, raw.batchedRows(1_000_000, size.batches, size.batchRows)));
  } finally {
    raw.close();
  }
}

function runCorro(size: WorkloadSize, into: Samples): void {
  const a = CorroWorkload.open(':memory:');
  try {
    into.single.push(perSecond(size.singleTx, a.singleRows(0, size.singleTx)));
    const rows = size.batches * size.batchRows;
    into.batched.push(perSecond(rows, a.batchedRows(1_000_000, size.batches, size.batchRows)));
    const b = CorroWorkload.open(':memory:');
    try {
      const { ms } = mergeAllCorro(a, b);
      const total = a.count();
      if (b.count() !== total) throw new Error('corro merge lost rows: the benchmark is broken');
      into.mergeRows.push(perSecond(total, ms));
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
}

/** Runs the comparison; see the module comment. */
export async function run(opts: BenchOptions): Promise<BenchResult> {
  const size = sizes(opts.quick);
  const result = newResult('crsqlite');
  result.title = 'corro store vs cr-sqlite vs raw SQLite, same workload, same run';
  result.command = 'npm run bench -- crsqlite';
  const native = emptySamples();
  const wasm = emptySamples();
  const crsql = emptySamples();
  const corro = emptySamples();
  let cr: CrSqliteWasm | undefined;
  try {
    cr = await loadCrSqlite();
  } catch (e) {
    const reason =
      e instanceof CrSqliteUnavailableError ? e.message : `cr-sqlite failed to start: ${String(e)}`;
    result.skipped = [{ name: 'cr-sqlite (WASM)', reason }];
  }
  // One discarded small repetition first, so the JIT has compiled every path before any
  // figure is taken.
  const warm = sizes(true);
  runNative(warm, emptySamples());
  runCorro(warm, emptySamples());
  if (cr) {
    await runWasm(cr, false, warm, emptySamples());
    await runWasm(cr, true, warm, emptySamples());
  }
  // Interleave implementations inside each repetition so that a burst of load from other
  // work on this shared machine hits all of them, not one.
  for (let r = 0; r < size.runs; r++) {
    runNative(size, native);
    runCorro(size, corro);
    if (cr) {
      await runWasm(cr, false, size, wasm);
      await runWasm(cr, true, size, crsql);
    }
  }
  const batchedRows = size.batches * size.batchRows;
  const figs: Figure[] = [];
  const g1 = `single-row upsert transactions (${size.singleTx} per run)`;
  const g2 = `batched upserts (${size.batches} transactions x ${size.batchRows} rows per run)`;
  const g3 = 'merge: everything one database wrote, into a fresh database';
  figs.push(figure('single-row transactions', 'tx/s', native.single, { group: g1, impl: NATIVE }));
  figs.push(
    comparedPaired(
      'single-row transactions',
      'tx/s',
      corro.single,
      { name: NATIVE, samples: native.single },
      {
        group: g1,
        impl: CORRO,
        goal: '>= 0.5 x raw (DESIGN.md; that goal is for a file database, see scaling-store)',
      },
    ),
  );
  figs.push(figure('batched rows', 'rows/s', native.batched, { group: g2, impl: NATIVE }));
  figs.push(
    comparedPaired(
      'batched rows',
      'rows/s',
      corro.batched,
      { name: NATIVE, samples: native.batched },
      {
        group: g2,
        impl: CORRO,
        goal: '>= 20k rows/s',
      },
    ),
  );
  const mergeNote =
    'stored changesets read with changesetsFor in pages of 1000, applied one changeset per apply() call';
  figs.push(
    figure('merge, rows', 'rows/s', corro.mergeRows, {
      group: g3,
      impl: CORRO,
      goal: '>= 10k row changes/s',
      note: mergeNote,
    }),
  );
  if (cr) {
    const wasmNote = 'ratio: the WASM build against native SQLite (the cost of WebAssembly alone)';
    const crNote = "ratio: cr-sqlite against plain SQLite in the same WASM build (cr-sqlite's own CRDT cost)";
    figs.push(
      comparedPaired(
        'single-row transactions',
        'tx/s',
        wasm.single,
        { name: NATIVE, samples: native.single },
        {
          group: g1,
          impl: WASM,
          note: wasmNote,
        },
      ),
      comparedPaired(
        'single-row transactions',
        'tx/s',
        crsql.single,
        { name: WASM, samples: wasm.single },
        {
          group: g1,
          impl: CRSQL,
          note: crNote,
        },
      ),
      comparedPaired(
        'batched rows',
        'rows/s',
        wasm.batched,
        { name: NATIVE, samples: native.batched },
        {
          group: g2,
          impl: WASM,
          note: wasmNote,
        },
      ),
      comparedPaired(
        'batched rows',
        'rows/s',
        crsql.batched,
        { name: WASM, samples: wasm.batched },
        {
          group: g2,
          impl: CRSQL,
          note: crNote,
        },
      ),
      figure('merge, rows', 'rows/s', crsql.mergeRows, {
        group: g3,
        impl: CRSQL,
        note: `${batchedRows + size.singleTx} rows; crsql_changes read per db_version and inserted into the target's crsql_changes, one transaction per source transaction`,
      }),
      figure('merge, column changes', 'changes/s', crsql.mergeChanges, {
        group: g3,
        impl: CRSQL,
        note: 'cr-sqlite moves one change per column (3 per row here)',
      }),
    );
    const g4 = 'corro store against cr-sqlite (ratio = corro / cr-sqlite, same run)';
    const headToHead = [
      ['single-row transactions', 'tx/s', 'single'],
      ['batched rows', 'rows/s', 'batched'],
      ['merge, rows', 'rows/s', 'mergeRows'],
    ] as const;
    for (const [name, unit, key] of headToHead) {
      figs.push(
        comparedPaired(
          name,
          unit,
          corro[key],
          { name: CRSQL, samples: crsql[key] },
          { group: g4, impl: CORRO },
        ),
      );
    }
  }
  result.figures = figs;
  result.notes = [
    `cr-sqlite ran as WebAssembly: the synchronous build dist/crsqlite-sync.wasm of @vlcn.io/wa-sqlite ${cr?.packageVersion ?? '?'} (SQLite ${cr?.sqliteVersion ?? '?'}), loaded from node_modules in Node ${process.version}. Native cr-sqlite (what Corrosion links) is faster than this; compare ratios to the WASM baseline, not absolute figures.`,
    'Every implementation runs the same upsert (bench/lib/workload.ts) on one table (id INTEGER key, TEXT, INTEGER, REAL), in memory, implementations interleaved in each repetition.',
    'Figures were taken on a shared 2-core machine while other engineers ran test suites: absolute figures are noisy, ratios from the same repetition are the meaningful part.',
  ];
  if (opts.quick) result.notes.push('QUICK smoke run: tiny workload, one repetition; not a real figure.');
  return result;
}

await runIfMain(import.meta.url, run);
