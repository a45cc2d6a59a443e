import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomInt, seededRng, shuffled } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { Store } from '../../src/store/store.js';
import type { Changeset } from '../../src/store/types.js';

// Property: stores that write concurrently and exchange every changeset (in random order, with
// duplicates, many before their dependencies) end with identical tables, and a fresh store that
// applies the same changesets in yet another order ends identical too. A failure prints
// fast-check's seed and path; rerun with CORRO_PROP_SEED=<seed> to replay it.

const SCHEMA = `
  CREATE TABLE kv (k INTEGER NOT NULL PRIMARY KEY, a TEXT, b REAL, c INTEGER DEFAULT 0);
  CREATE TABLE pair (p TEXT NOT NULL, q INTEGER NOT NULL, v, PRIMARY KEY (p, q));
`;

type Stmt = [sql: string, params: unknown[]];

const key = fc.integer({ min: 0, max: 6 });
const text = fc.constantFrom('x', 'y', 'zz', '', 'é', 'long text value');
const real = fc.constantFrom(0.5, 1, -2.25, 1e10, 3);
const anyValue = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 3 }), text, real);

const stmt: fc.Arbitrary<Stmt> = fc.oneof(
  fc
    .tuple(key, text, real, fc.integer({ min: 0, max: 9 }))
    .map(
      ([k, a, b, c]): Stmt => [
        'INSERT INTO kv (k, a, b, c) VALUES (?, ?, ?, ?) ON CONFLICT (k) DO UPDATE SET a = excluded.a, b = excluded.b, c = excluded.c',
        [k, a, b, c],
      ],
    ),
  fc.tuple(key, text).map(([k, a]): Stmt => ['INSERT OR IGNORE INTO kv (k, a) VALUES (?, ?)', [k, a]]),
  fc.tuple(key, text).map(([k, a]): Stmt => ['UPDATE kv SET a = ? WHERE k = ?', [a, k]]),
  fc.tuple(key, real).map(([k, b]): Stmt => ['UPDATE kv SET b = ? WHERE k = ?', [b, k]]),
  fc.tuple(key).map(([k]): Stmt => ['UPDATE kv SET c = c + 1 WHERE k = ?', [k]]),
  fc.tuple(key).map(([k]): Stmt => ['DELETE FROM kv WHERE k = ?', [k]]),
  fc.tuple(key, key).map(([from, to]): Stmt => ['UPDATE OR REPLACE kv SET k = ? WHERE k = ?', [to, from]]),
  fc.tuple(key).map(([k]): Stmt => ['UPDATE kv SET c = c * 2 + 1 WHERE k <= ?', [k]]),
  fc.tuple(key).map(([k]): Stmt => ['DELETE FROM kv WHERE k % 2 = ? % 2', [k]]),
  fc
    .tuple(fc.constantFrom('a', 'b'), key, anyValue)
    .map(([p, q, v]): Stmt => ['INSERT OR REPLACE INTO pair (p, q, v) VALUES (?, ?, ?)', [p, q, v]]),
  fc
    .tuple(fc.constantFrom('a', 'b'), key)
    .map(([p, q]): Stmt => ['DELETE FROM pair WHERE p = ? AND q = ?', [p, q]]),
  fc
    .tuple(fc.constantFrom('a', 'b'), key)
    .map(([p, q]): Stmt => ['UPDATE OR REPLACE pair SET q = q + 1 WHERE p = ? AND q = ?', [p, q]]),
);

/** One step: a transaction of 1-4 statements on a store, or a delivery round. */
type Step = { kind: 'write'; store: number; stmts: Stmt[] } | { kind: 'deliver'; to: number; count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      store: fc.nat(4),
      stmts: fc.array(stmt, { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      to: fc.nat(4),
      count: fc.integer({ min: 1, max: 6 }),
    }),
  },
);

function dump(s: Store): string {
  return JSON.stringify([
    s.query('SELECT k, a, b, typeof(b) AS tb, c, typeof(c) AS tc FROM kv ORDER BY k'),
    s.query('SELECT p, q, v, typeof(v) AS tv FROM pair ORDER BY p, q'),
  ]);
}

function open(seed: number): Store {
  const sched = new VirtualScheduler();
  return Store.open({
    path: ':memory:',
    schema: SCHEMA,
    runtime: { clock: sched.clock, rng: seededRng(seed), scheduler: sched },
  });
}

function runCase(nStores: number, steps: readonly Step[], seed: number): void {
  const rng = seededRng(seed);
  const stores = Array.from({ length: nStores }, (_, i) => open(seed * 7 + i));
  const all: Changeset[] = [];
  // Per store, changesets produced elsewhere that it has not been given yet.
  const inbox: Changeset[][] = stores.map(() => []);
  try {
    for (const s of steps) {
      if (s.kind === 'write') {
        const i = s.store % nStores;
        let cs: Changeset | null = null;
        try {
          cs = (stores[i] as Store).transaction((tx) => {
            for (const [sql, params] of s.stmts) tx.exec(sql, params);
          });
        } catch {
          continue; // a statement hit a constraint: the whole transaction rolled back
        }
        if (!cs) continue;
        all.push(cs);
        inbox.forEach((box, j) => {
          if (j !== i) box.push(cs);
        });
      } else {
        const j = s.to % nStores;
        const box = inbox[j] as Changeset[];
        const picked = shuffled(rng, box).slice(0, s.count);
        // Deliver with a duplicate now and then; pick out of order on purpose.
        const batch =
          randomInt(rng, 3) === 0 && picked.length > 0 ? [...picked, picked[0] as Changeset] : picked;
        (stores[j] as Store).apply(batch);
        inbox[j] = box.filter((c) => !picked.includes(c));
      }
    }
    // Healing: everything to everyone, in random order and random batch sizes, twice over.
    stores.forEach((st, j) => {
      const rest = shuffled(rng, [...(inbox[j] as Changeset[]), ...shuffled(rng, all).slice(0, 3)]);
      while (rest.length > 0) st.apply(rest.splice(0, 1 + randomInt(rng, 4)));
      expect(st.stats().pendingChangesets).toBe(0);
    });
    const first = dump(stores[0] as Store);
    for (const st of stores) expect(dump(st)).toBe(first);
    // A fresh store fed the same changesets in another order ends identical.
    const fresh = open(seed + 99);
    try {
      for (const cs of shuffled(rng, all).reverse()) fresh.apply([cs]);
      expect(fresh.stats().pendingChangesets).toBe(0);
      expect(dump(fresh)).toBe(first);
    } finally {
      fresh.close();
    }
    // Every store agrees on what it has applied.
    const books = stores.map((st) => JSON.stringify(st.syncState().books));
    for (const b of books) expect(b).toBe(books[0]);
  } finally {
    for (const st of stores) st.close();
  }
}

describe('convergence property', () => {
  it('3-5 stores converge to identical tables whatever the delivery order', () => {
    const seedEnv = process.env.CORRO_PROP_SEED;
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 5 }),
        fc.array(step, { minLength: 4, maxLength: 24 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (n, steps, seed) => runCase(n, steps, seed),
      ),
      {
        numRuns: Number(process.env.CORRO_PROP_RUNS ?? 200),
        ...(seedEnv ? { seed: Number(seedEnv) } : {}),
      },
    );
  }, 180_000);
});
