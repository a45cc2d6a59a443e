import { describe, expect, it } from 'vitest';
import { decodeChangeset, encodeChangeset } from '../../src/store/changeset-codec.js';
import { StoreUsageError } from '../../src/store/errors.js';
import { Store } from '../../src/store/store.js';
import type { CommitEvent } from '../../src/store/types.js';
import { dump, storesClosedAfterEach, testRuntime } from './helpers.js';

const store = storesClosedAfterEach();

describe('Store basics', () => {
  it('a write returns one changeset with the next version; a no-op returns null', () => {
    const a = store(1);
    const cs1 = a.exec('INSERT INTO users (id, name) VALUES (?, ?)', [1, 'ann']);
    expect(cs1?.actor).toBe(a.actorId);
    expect(cs1?.version).toBe(1);
    expect(a.exec('UPDATE users SET name = ? WHERE id = 1', ['ann'])).toBeNull();
    expect(a.exec('DELETE FROM users WHERE id = 99')).toBeNull();
    const cs2 = a.exec('UPDATE users SET name = ? WHERE id = 1', ['bob']);
    expect(cs2?.version).toBe(2);
    expect(cs2!.ts).toBeGreaterThan(cs1!.ts);
    expect(a.query('SELECT name FROM users')).toEqual([{ name: 'bob' }]);
  });

  it('a transaction with many statements is one changeset and applies on a peer', () => {
    const a = store(1);
    const b = store(2);
    const cs = a.transaction((tx) => {
      for (let i = 0; i < 50; i++)
        tx.exec('INSERT INTO users (id, name, score) VALUES (?, ?, ?)', [i, `u${i}`, i / 2]);
      tx.exec("INSERT INTO kv VALUES ('a', 'b', x'00ff')");
      tx.exec('UPDATE users SET id = 100 WHERE id = 0');
      tx.exec('DELETE FROM users WHERE id = 1');
    });
    expect(cs?.version).toBe(1);
    const r = b.apply([cs!]);
    expect(r.applied).toEqual([{ actor: a.actorId, version: 1 }]);
    expect(dump(b)).toEqual(dump(a));
    expect(a.query('SELECT count(*) AS n FROM users')).toEqual([{ n: 49 }]);
  });

  it('apply is idempotent and reports duplicates', () => {
    const a = store(1);
    const b = store(2);
    const cs = a.exec("INSERT INTO kv VALUES ('n', 'k', 1)")!;
    expect(b.apply([cs, cs]).duplicates).toBe(1);
    expect(b.apply([cs]).duplicates).toBe(1);
    expect(b.has(a.actorId, 1)).toBe(true);
    expect(b.has(a.actorId, 2)).toBe(false);
  });

  it('concurrent writes to different columns of one row both survive', () => {
    const a = store(1);
    const b = store(2);
    const base = a.exec("INSERT INTO users (id, name, score) VALUES (1, 'x', 1.0)")!;
    b.apply([base]);
    const ca = a.exec("UPDATE users SET name = 'from-a' WHERE id = 1")!;
    const cb = b.exec('UPDATE users SET score = 9.5 WHERE id = 1')!;
    a.apply([cb]);
    b.apply([ca]);
    expect(dump(a)).toEqual(dump(b));
    expect(a.query('SELECT name, score FROM users')).toEqual([{ name: 'from-a', score: 9.5 }]);
  });

  it('a delete wins over a concurrent update; a later re-insert wins over the delete', () => {
    const a = store(1);
    const b = store(2);
    b.apply([a.exec("INSERT INTO users (id, name) VALUES (1, 'x')")!]);
    const del = a.exec('DELETE FROM users WHERE id = 1')!;
    const upd = b.exec("UPDATE users SET name = 'y' WHERE id = 1")!;
    a.apply([upd]);
    b.apply([del]);
    expect(dump(a)).toEqual(dump(b));
    expect(a.query('SELECT * FROM users')).toEqual([]);
    const re = b.exec("INSERT INTO users (id, name) VALUES (1, 'z')")!;
    a.apply([re]);
    expect(a.query('SELECT name FROM users')).toEqual([{ name: 'z' }]);
    expect(dump(a)).toEqual(dump(b));
  });

  it('keeps storage classes: INTEGER, REAL, TEXT, BLOB, NULL and 64-bit integers', () => {
    const a = store(1);
    const b = store(2);
    const cs = a.transaction((tx) => {
      tx.exec(
        "INSERT INTO kv VALUES ('t', 'int', 5), ('t', 'real', 5.0), ('t', 'text', '5'), ('t', 'blob', x'05')",
      );
      tx.exec(
        "INSERT INTO kv VALUES ('t', 'null', NULL), ('t', 'big', 9223372036854775807), ('t', 'nul', char(0) || 'x')",
      );
    })!;
    b.apply([cs]);
    expect(dump(b)).toEqual(dump(a));
    const big = b.query("SELECT CAST(v AS TEXT) AS v FROM kv WHERE k = 'big'");
    expect(big).toEqual([{ v: '9223372036854775807' }]);
  });

  it('a changeset whose dependencies are missing waits, then applies whole', () => {
    const a = store(1);
    const b = store(2);
    const c1 = a.exec("INSERT INTO users (id, name) VALUES (1, 'x')")!;
    const c2 = a.exec("UPDATE users SET name = 'y' WHERE id = 1")!;
    const r = b.apply([c2]);
    expect(r.applied).toEqual([]);
    expect(r.pending).toHaveLength(1);
    expect(r.pending[0]?.missing.length).toBeGreaterThan(0);
    expect(b.query('SELECT * FROM users')).toEqual([]);
    expect(b.changesetsContaining(r.pending[0]!.missing)).toEqual([]);
    expect(a.changesetsContaining(r.pending[0]!.missing).map((c) => c.version)).toEqual([1]);
    const r2 = b.apply([c1]);
    expect(r2.applied.map((x) => x.version).sort()).toEqual([1, 2]);
    expect(b.query('SELECT name FROM users')).toEqual([{ name: 'y' }]);
    expect(b.stats().pendingChangesets).toBe(0);
  });

  it('syncState and changesetsFor describe and serve what was applied', () => {
    const a = store(1);
    const b = store(2);
    const cs = [1, 2, 3, 4].map((i) => a.exec('INSERT INTO users (id) VALUES (?)', [i])!);
    b.apply([cs[0]!, cs[2]!]);
    expect(b.syncState().books[a.actorId]).toEqual({ max: 3, gaps: [[2, 2]] });
    expect(a.syncState().books[a.actorId]).toEqual({ max: 4, gaps: [] });
    const served = a.changesetsFor({
      [a.actorId]: [
        [2, 2],
        [4, 9],
      ],
    });
    expect(served.map((c) => c.version)).toEqual([2, 4]);
    expect(a.changesetsFor({ [a.actorId]: [[1, 4]] }, { maxChangesets: 2 })).toHaveLength(2);
    expect(served[0]).toEqual(cs[1]);
  });

  it('onCommit fires after local and remote commits', () => {
    const a = store(1);
    const b = store(2);
    const seen: CommitEvent[] = [];
    const off = b.onCommit((e) => seen.push(e));
    const local = b.exec('INSERT INTO users (id) VALUES (1)')!;
    b.apply([a.exec("INSERT INTO kv VALUES ('a', 'b', 1)")!]);
    off();
    b.exec('INSERT INTO users (id) VALUES (2)');
    expect(seen.map((e) => [e.source, e.tables])).toEqual([
      ['local', ['users']],
      ['remote', ['kv']],
    ]);
    expect(seen[0]?.changesets).toEqual([local]);
  });

  it('a throwing transaction leaves nothing behind and uses no version', () => {
    const a = store(1);
    a.exec('INSERT INTO users (id, name) VALUES (1, ?)', ['keep']);
    expect(() =>
      a.transaction((tx) => {
        tx.exec("UPDATE users SET name = 'lost' WHERE id = 1");
        tx.exec('INSERT INTO users (id) VALUES (2)');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(a.query('SELECT id, name FROM users')).toEqual([{ id: 1, name: 'keep' }]);
    const next = a.exec('INSERT INTO users (id) VALUES (3)');
    expect(next?.version).toBe(2);
    const b = store(2);
    b.apply(a.changesetsFor({ [a.actorId]: [[1, 10]] }));
    expect(dump(b)).toEqual(dump(a));
  });

  it('rejects writes in query(), nested transactions and async transaction functions', () => {
    const a = store(1);
    expect(() => a.query('INSERT INTO users (id) VALUES (1) RETURNING id')).toThrow(StoreUsageError);
    expect(() => a.transaction(() => a.transaction(() => {}))).toThrow(StoreUsageError);
    expect(() => a.transaction((async () => {}) as never)).toThrow(StoreUsageError);
    expect(() => a.exec('DROP TABLE users')).toThrow(StoreUsageError);
    expect(a.query('SELECT count(*) AS n FROM users')).toEqual([{ n: 0 }]);
  });

  it('encodes and decodes changesets losslessly', () => {
    const a = store(1);
    const cs = a.exec("INSERT INTO kv VALUES ('a', 'b', 'c')")!;
    expect(decodeChangeset(encodeChangeset(cs))).toEqual(cs);
  });

  it('a throwing listener does not break the commit and is counted', () => {
    const a = store(1);
    a.onCommit(() => {
      throw new Error('listener bug');
    });
    const seen: number[] = [];
    a.onCommit((e) => seen.push(e.changesets.length));
    expect(a.exec('INSERT INTO users (id) VALUES (1)')?.version).toBe(1);
    expect(seen).toEqual([1]);
    expect(a.stats().listenerErrors).toBe(1);
  });

  it('changesetsFor honours the byte bound but always returns at least one changeset', () => {
    const a = store(1);
    for (let i = 0; i < 5; i++) a.exec('INSERT INTO users (id, name) VALUES (?, ?)', [i, 'x'.repeat(100)]);
    expect(a.changesetsFor({ [a.actorId]: [[1, 5]] }, { maxBytes: 1 })).toHaveLength(1);
    expect(a.changesetsFor({ [a.actorId]: [[1, 5]] }, { maxBytes: 10_000 })).toHaveLength(5);
    expect(a.changesetsFor({ nonsense: [[1, 5]], [a.actorId]: [[4, 2]] })).toEqual([]);
  });

  it('multi-statement scripts run through exec and are captured', () => {
    const a = store(1);
    const b = store(2);
    const cs = a.exec(
      "INSERT INTO users (id) VALUES (1); INSERT INTO kv VALUES ('a', 'b', 'c'); UPDATE users SET n = 3",
    )!;
    expect(cs.changes.map((c) => c.table).sort()).toEqual(['kv', 'users']);
    b.apply([cs]);
    expect(dump(b)).toEqual(dump(a));
  });

  it('handles quoted table and column names, blobs and composite keys in capture and apply', () => {
    const schema = `CREATE TABLE "my ""odd"" table" ("key; 1" BLOB NOT NULL, "k'2" TEXT NOT NULL, "v v" TEXT, PRIMARY KEY ("key; 1", "k'2"))`;
    const a = Store.open({ path: ':memory:', schema, runtime: testRuntime(1) });
    const b = Store.open({ path: ':memory:', schema, runtime: testRuntime(2) });
    try {
      const cs = a.exec(`INSERT INTO "my ""odd"" table" VALUES (x'00ff', 'it''s', 'v')`)!;
      b.apply([cs]);
      b.apply([b.exec(`UPDATE "my ""odd"" table" SET "v v" = 'w'`)!]);
      a.apply(b.changesetsFor({ [b.actorId]: [[1, 1]] }));
      const read = (s: Store) =>
        s.query(`SELECT hex("key; 1") AS k, "k'2" AS k2, "v v" AS v FROM "my ""odd"" table"`);
      expect(read(a)).toEqual([{ k: '00FF', k2: "it's", v: 'w' }]);
      expect(read(b)).toEqual(read(a));
    } finally {
      a.close();
      b.close();
    }
  });

  it('tables() describes the replicated tables', () => {
    const a = store(1);
    expect(a.tables().map((t) => [t.name, t.primaryKey])).toEqual([
      ['kv', ['ns', 'k']],
      ['users', ['id']],
    ]);
  });
});
