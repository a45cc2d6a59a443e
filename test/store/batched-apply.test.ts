import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { dump, memStore } from './helpers.js';

const open: Store[] = [];
function store(seed: number): Store {
  const s = memStore(seed);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

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
    const copy = memStore(9, { serialized: b.serialize() });
    open.push(copy);
    // A write on the reopened copy must see every row value that came in the batch.
    copy.exec("UPDATE users SET name = 'changed' WHERE id = 5");
    a.apply(copy.changesetsFor({ [copy.actorId]: [[1, 1]] }));
    expect(dump(a)).toEqual(dump(copy));
    expect(a.query<{ name: string }>('SELECT name FROM users WHERE id = 5')[0]?.name).toBe('changed');
  });
});
