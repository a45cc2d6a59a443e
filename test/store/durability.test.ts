import { describe, expect, it } from 'vitest';
import { ChangesetLog } from '../../src/store/changeset-log.js';
import { ActorIdMismatchError } from '../../src/store/errors.js';
import { Materialiser } from '../../src/store/materialise.js';
import { Store } from '../../src/store/store.js';
import type { Changeset } from '../../src/store/types.js';
import { dump, memStore, SCHEMA, tempDbFiles, testRuntime } from './helpers.js';

const file = tempDbFiles('corro-durability-');

function writeSome(s: Store, from: number, count: number): Changeset[] {
  const out: Changeset[] = [];
  for (let i = from; i < from + count; i++) {
    const cs = s.transaction((tx) => {
      tx.exec(
        'INSERT INTO users (id, name, score) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
        [i % 40, `n${i}`, i / 4],
      );
      if (i % 3 === 0) tx.exec('DELETE FROM users WHERE id = ?', [(i * 7) % 40]);
      tx.exec("INSERT OR REPLACE INTO kv VALUES ('ns', ?, ?)", [`k${i % 11}`, i]);
    });
    if (cs) out.push(cs);
  }
  return out;
}

describe('durability', () => {
  it('after close and reopen the actor, versions, rows, documents and books continue', () => {
    const path = file();
    const a = Store.open({ path, schema: SCHEMA, runtime: testRuntime(1), maxChunksPerDoc: 4 });
    const actor = a.actorId;
    const first = writeSome(a, 0, 30);
    const before = { rows: dump(a), sync: a.syncState() };
    a.close();
    const b = Store.open({ path, schema: SCHEMA, runtime: testRuntime(9), maxChunksPerDoc: 4 });
    expect(b.actorId).toBe(actor);
    expect(dump(b)).toEqual(before.rows);
    expect(b.syncState()).toEqual(before.sync);
    expect(b.changesetsFor({ [actor]: [[1, 1000]] })).toEqual(first);
    const more = writeSome(b, 30, 20);
    expect(more[0]?.version).toBe(first.length + 1);
    // A peer that receives everything (documents were compacted and reloaded) agrees.
    const peer = memStore(3);
    peer.apply([...first, ...more].reverse());
    expect(peer.stats().pendingChangesets).toBe(0);
    expect(dump(peer)).toEqual(dump(b));
    b.close();
    peer.close();
  });

  it('refuses to open a file with another actor id', () => {
    const path = file();
    Store.open({ path, schema: SCHEMA, runtime: testRuntime(1), actorId: 'ab'.repeat(16) }).close();
    expect(() => Store.open({ path, schema: SCHEMA, actorId: 'cd'.repeat(16) })).toThrow(
      ActorIdMismatchError,
    );
  });

  it('pending changesets survive a restart and apply when their dependencies arrive', () => {
    const src = memStore(1);
    const cs = [src.exec('INSERT INTO users (id, name) VALUES (1, ?), (2, ?), (3, ?)', ['a', 'b', 'c'])!];
    for (let i = 0; i < 5; i++)
      cs.push(src.exec('UPDATE users SET score = ? WHERE id = ?', [i, (i % 3) + 1])!);
    const path = file();
    const b = Store.open({ path, schema: SCHEMA, runtime: testRuntime(2) });
    const r = b.apply(cs.slice(1));
    expect(r.pending.length).toBeGreaterThan(0);
    b.close();
    const b2 = Store.open({ path, schema: SCHEMA, runtime: testRuntime(2) });
    expect(b2.stats().pendingChangesets).toBe(r.pending.length);
    const r2 = b2.apply([cs[0] as Changeset]);
    expect(r2.applied).toHaveLength(cs.length - r.applied.length);
    expect(dump(b2)).toEqual(dump(src));
    b2.close();
    src.close();
  });

  it('a store closed and reopened between deliveries converges', () => {
    const a = memStore(1);
    const path = file();
    let b = Store.open({ path, schema: SCHEMA, runtime: testRuntime(2) });
    const fromB: Changeset[] = [];
    for (let round = 0; round < 4; round++) {
      const cs = writeSome(a, round * 10, 10);
      b.apply(cs.filter((_, i) => i % 2 === round % 2));
      fromB.push(...writeSome(b, 100 + round * 5, 5));
      b.apply(cs);
      b.close();
      b = Store.open({ path, schema: SCHEMA, runtime: testRuntime(2), maxLoadedDocs: 2 });
    }
    a.apply(fromB);
    expect(dump(b)).toEqual(dump(a));
    b.close();
    a.close();
  });

  it('serialize() and backup() give databases that reopen with the same state', async () => {
    const a = memStore(1);
    writeSome(a, 0, 10);
    const bytes = a.serialize();
    const copy = Store.open({ path: ':memory:', serialized: bytes, schema: SCHEMA, runtime: testRuntime(5) });
    expect(copy.actorId).toBe(a.actorId);
    expect(dump(copy)).toEqual(dump(a));
    expect(copy.exec('INSERT INTO users (id) VALUES (999)')?.version).toBe(11);
    copy.close();
    const path = file();
    await a.backup(path);
    const fromBackup = Store.open({ path, schema: SCHEMA });
    expect(dump(fromBackup)).toEqual(dump(a));
    expect(fromBackup.syncState()).toEqual(a.syncState());
    fromBackup.close();
    a.close();
  });

  it('a failure after the documents changed rolls everything back, documents included', () => {
    const a = memStore(1);
    const peer = memStore(2);
    peer.apply(writeSome(a, 0, 3));
    // A local commit writes the log last (its change is stored there only, until a fold).
    const orig = ChangesetLog.prototype.appendLog;
    ChangesetLog.prototype.appendLog = () => {
      throw new Error('disk full');
    };
    try {
      expect(() => a.exec("UPDATE users SET name = 'lost' WHERE id = 1")).toThrow('disk full');
    } finally {
      ChangesetLog.prototype.appendLog = orig;
    }
    expect(a.query('SELECT name FROM users WHERE id = 1')).toEqual([{ name: 'n1' }]);
    const next = a.exec("UPDATE users SET name = 'kept' WHERE id = 1")!;
    expect(next.version).toBe(4);
    // Had the document kept the lost change, this one would depend on it and stay pending.
    const r = peer.apply([next]);
    expect(r.pending).toEqual([]);
    expect(dump(peer)).toEqual(dump(a));
    a.close();
    peer.close();
  });

  it('a failing remote apply changes nothing and can be retried', () => {
    const a = memStore(1);
    const b = memStore(2);
    const cs = writeSome(a, 0, 5);
    // Every row write of remote apply goes through Materialiser.write (materialise calls it too).
    const orig = Materialiser.prototype.write;
    Materialiser.prototype.write = () => {
      throw new Error('io error');
    };
    try {
      expect(() => b.apply(cs)).toThrow('io error');
    } finally {
      Materialiser.prototype.write = orig;
    }
    expect(b.syncState().books).toEqual({});
    expect(dump(b)).toEqual(dump(memStore(3)));
    const r = b.apply(cs);
    expect(r.applied).toHaveLength(5);
    expect(dump(b)).toEqual(dump(a));
    a.close();
    b.close();
  });
});
