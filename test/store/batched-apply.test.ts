import { describe, expect, it } from 'vitest';
import { CrdtDoc } from '../../src/crdt/automerge-doc.js';
import { docIdFor, encodeRowKey } from '../../src/crdt/row-key.js';
import { encodeRowValue } from '../../src/crdt/row-value.js';
import { MAX_STAGED_BYTES } from '../../src/store/remote-apply.js';
import type { ActorId, Changeset, HlcTimestamp, Version } from '../../src/store/types.js';
import { dump, storesClosedAfterEach } from './helpers.js';

const store = storesClosedAfterEach();

// Remote apply batches every accepted changeset of one call per document (one Automerge call,
// one chunk); these check that the batch gives the same rows as applying one at a time.
describe('batched remote apply', () => {
  it('applies a dependency chain delivered in one call, in reverse order, like one at a time', () => {
    const a = store(1);
    const css = [
      a.exec("INSERT INTO users (id, name) VALUES (1, 'x'), (2, 'y')"),
      a.exec("UPDATE users SET name = 'x2' WHERE id = 1"),
      a.exec('DELETE FROM users WHERE id = 2'),
      a.exec("INSERT INTO users (id, name) VALUES (2, 'again')"),
      a.exec('UPDATE users SET id = 3 WHERE id = 1'),
    ].map((c) => c!);
    const batched = store(2);
    const r = batched.apply([...css].reverse());
    expect(r.applied).toHaveLength(css.length);
    expect(r.pending).toEqual([]);
    const single = store(3);
    for (const cs of css) single.apply([cs]);
    expect(dump(batched)).toEqual(dump(a));
    expect(dump(single)).toEqual(dump(a));
  });

  it('a row written by several changesets of one call materialises to the last merged value', () => {
    const a = store(4);
    const b = store(5);
    const a1 = a.exec("INSERT INTO users (id, name, n) VALUES (7, 'a', 1)")!;
    b.apply([a1]);
    const a2 = a.exec("UPDATE users SET name = 'from a' WHERE id = 7")!;
    const b2 = b.exec('UPDATE users SET n = 2 WHERE id = 7')!;
    const c = store(6);
    c.apply([a1, a2, b2]);
    a.apply([b2]);
    b.apply([a2]);
    expect(dump(c)).toEqual(dump(a));
    expect(dump(c)).toEqual(dump(b));
    expect(c.query('SELECT name, n FROM users')).toEqual([{ name: 'from a', n: 2 }]);
  });

  it('a batch reopened from its stored chunk gives the same rows', () => {
    const a = store(7);
    const css = [];
    for (let i = 0; i < 20; i++)
      css.push(a.exec('INSERT INTO users (id, name) VALUES (?, ?)', [i, `n${i}`])!);
    const b = store(8);
    b.apply(css);
    const copy = store(9, { serialized: b.serialize() });
    // A write on the reopened copy must see every row value that came in the batch.
    copy.exec("UPDATE users SET name = 'changed' WHERE id = 5");
    a.apply(copy.changesetsFor({ [copy.actorId]: [[1, 1]] }));
    expect(dump(a)).toEqual(dump(copy));
    expect(a.query<{ name: string }>('SELECT name FROM users WHERE id = 5')[0]?.name).toBe('changed');
  });

  it('a call larger than the staging bound is applied in several stages with the same result', () => {
    const a = store(10);
    const big = 'x'.repeat(3000);
    const css = [];
    let bytes = 0;
    // Each round rewrites the same rows, so a row is new in the first stage and seen in later ones.
    for (let round = 0; bytes <= 2 * MAX_STAGED_BYTES; round++) {
      const cs = a.transaction((tx) => {
        for (let i = 0; i < 200; i++)
          tx.exec('INSERT OR REPLACE INTO users (id, name) VALUES (?, ?)', [i, `${round}${big}`]);
      })!;
      for (const c of cs.changes) bytes += c.data.length;
      css.push(cs);
    }
    expect(css.length).toBeGreaterThan(2);
    const b = store(11);
    expect(b.apply(css).applied).toHaveLength(css.length);
    expect(dump(b)).toEqual(dump(a));
  });

  it('a change counting on a change of another document accepted in the same call waits as pending', () => {
    const actor = 'ab'.repeat(16) as ActorId;
    const k1 = encodeRowKey([1n]);
    let k2 = encodeRowKey([2n]);
    for (let i = 2n; docIdFor(k2) === docIdFor(k1); i++) k2 = encodeRowKey([i]);
    const value = encodeRowValue({ cl: 1, cols: [{ value: 'x', version: 1 }] });
    const d = CrdtDoc.create(actor);
    d.putBytes(k1, value);
    const c1 = d.commit()!;
    // Same Automerge document, so c2 depends on c1, but its rows live in another corro document.
    d.putBytes(k2, value);
    const c2 = d.commit()!;
    d.free();
    const cs = (version: number, doc: string, data: Uint8Array): Changeset => ({
      actor,
      version: version as Version,
      ts: 1 as HlcTimestamp,
      changes: [{ table: 'users', doc, data }],
    });
    const b = store(12);
    const r = b.apply([cs(1, docIdFor(k1), c1.change), cs(2, docIdFor(k2), c2.change)]);
    expect(r.applied.map((x) => x.version)).toEqual([1]);
    expect(r.pending.map((p) => p.missing)).toEqual([[c1.hash]]);
    expect(b.query('SELECT id FROM users')).toEqual([{ id: 1 }]);
  });
});
