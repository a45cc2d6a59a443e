import { Store } from '../../src/store/store.js';
import type { Changeset } from '../../src/store/types.js';
import { rowParams, TABLE_SQL, UPSERT_SQL } from './workload.js';

/**
 * The workload on corro's store: the same upsert statements, written with plain SQL through
 * `store.exec` (one transaction each) or `store.transaction` (many rows in one), and the
 * merge as corro's anti-entropy does it: read stored changesets with `changesetsFor` in
 * pages, apply them to another store with `apply`, one changeset per call (each atomic).
 */
export class CorroWorkload {
  private constructor(readonly store: Store) {}

  /** Opens a store (file or ':memory:') holding the workload table. */
  static open(path = ':memory:'): CorroWorkload {
    return new CorroWorkload(Store.open({ path, schema: TABLE_SQL }));
  }

  /** `count` single-row transactions; returns elapsed ms. */
  singleRows(from: number, count: number, round = 0): number {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) this.store.exec(UPSERT_SQL, rowParams(from + i, round));
    return performance.now() - t0;
  }

  /** `batches` transactions of `rows` upserts; returns elapsed ms. */
  batchedRows(from: number, batches: number, rows: number, round = 0): number {
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      this.store.transaction((tx) => {
        for (let i = 0; i < rows; i++) tx.exec(UPSERT_SQL, rowParams(from + b * rows + i, round));
      });
    }
    return performance.now() - t0;
  }

  /** Every changeset this store wrote, read back in pages as anti-entropy would. */
  ownChangesets(pageSize = 1000): Changeset[] {
    const state = this.store.syncState();
    const max = state.books[state.actor]?.max ?? 0;
    const out: Changeset[] = [];
    let next = 1;
    while (next <= max) {
      const page = this.store.changesetsFor({ [state.actor]: [[next, max]] }, { maxChangesets: pageSize });
      if (page.length === 0) break;
      out.push(...page);
      next = Number((page[page.length - 1] as Changeset).version) + 1;
    }
    return out;
  }

  /** Number of rows in the table. */
  count(): number {
    return (this.store.query<{ c: number }>('SELECT count(*) AS c FROM items')[0] as { c: number }).c;
  }

  close(): void {
    this.store.close();
  }
}

/**
 * Merges everything `from` wrote into `to`: pages of stored changesets read with
 * `changesetsFor`, applied one changeset per `apply` call. Returns elapsed ms (reads and
 * applies both counted, like cr-sqlite's merge) and the number of changesets.
 */
export function mergeAllCorro(from: CorroWorkload, to: CorroWorkload): { ms: number; changesets: number } {
  const t0 = performance.now();
  const all = from.ownChangesets();
  for (const cs of all) {
    const r = to.store.apply([cs]);
    if (r.applied.length === 0 && r.duplicates === 0)
      throw new Error('corro apply left a changeset pending: the benchmark is broken');
  }
  return { ms: performance.now() - t0, changesets: all.length };
}
