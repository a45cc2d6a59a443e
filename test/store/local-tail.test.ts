import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decodeChangeInfo } from '../../src/crdt/automerge-doc.js';
import { ChangesetLog, LOCAL_FOLDED_KEY } from '../../src/store/changeset-log.js';
import { STORE_FORMAT } from '../../src/store/internal-tables.js';
import { LOCAL_TAIL_MAX_CHANGESETS } from '../../src/store/local-tail.js';
import { Store } from '../../src/store/store.js';
import type { Changeset } from '../../src/store/types.js';
import { dump, memStore, SCHEMA, tempDbFiles, testRuntime } from './helpers.js';

// Own changes are stored once (in the log) and folded into document chunks and the hash index
// in batches (src/store/local-tail.ts). These tests check that nothing observable depends on
// whether a change was folded yet: reopen, eviction, dependency requests, failed folds, upgrade.

const file = tempDbFiles('corro-tail-');

function write(s: Store, from: number, count: number): Changeset[] {
  const out: Changeset[] = [];
  for (let i = from; i < from + count; i++) {
    const cs = s.transaction((tx) => {
      tx.exec(
        'INSERT INTO users (id, name, score) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
        [i % 37, `n${i}`, i / 4],
      );
      if (i % 5 === 0) tx.exec('DELETE FROM users WHERE id = ?', [(i * 7) % 37]);
    });
    if (cs) out.push(cs);
  }
  return out;
}

const hashesOf = (cs: Changeset) => cs.changes.map((c) => decodeChangeInfo(c.data).hash);
const folded = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT value FROM __corro_meta WHERE key = ?').pluck().get(LOCAL_FOLDED_KEY);
  } finally {
    db.close();
  }
};

describe('local tail (own changes stored once, folded in batches)', () => {
  it('a close with unfolded changes reopens with rows, documents and dependency answers intact', () => {
    const path = file();
    const a = Store.open({ path, schema: SCHEMA, runtime: testRuntime(1) });
    const first = write(a, 0, 40);
    const hashes = hashesOf(first[10] as Changeset);
    expect(a.changesetsContaining(hashes).map((c) => c.version)).toEqual([first[10]?.version]);
    a.close();
    expect(folded(path)).toBe(0);
    const b = Store.open({ path, schema: SCHEMA, runtime: testRuntime(2) });
    // Reopening folded the tail, so the index answers without the in-memory tail.
    expect(folded(path)).toBe(first[first.length - 1]?.version);
    expect(b.changesetsContaining(hashes).map((c) => c.version)).toEqual([first[10]?.version]);
    const more = write(b, 40, 10);
    const peer = memStore(3);
    const r = peer.apply([...more, ...first]);
    expect(r.pending).toEqual([]);
    expect(dump(peer)).toEqual(dump(b));
    b.close();
    peer.close();
  });

  it('documents evicted while their changes are unfolded reload them (no lost or forked history)', () => {
    const a = memStore(4, { maxLoadedDocs: 1 });
    const all = write(a, 0, 120);
    const peer = memStore(5);
    // One by one, in order: a change that depended on a change the writer's reload lost would
    // stay pending here.
    for (const cs of all) expect(peer.apply([cs]).pending).toEqual([]);
    expect(dump(peer)).toEqual(dump(a));
    a.close();
    peer.close();
  });

  it('a fold happens at the bound; hashes stay answerable before and after it', () => {
    const a = memStore(6);
    const all = write(a, 0, LOCAL_TAIL_MAX_CHANGESETS + 20);
    for (const i of [0, LOCAL_TAIL_MAX_CHANGESETS - 1, all.length - 1]) {
      const cs = all[i] as Changeset;
      expect(a.changesetsContaining(hashesOf(cs)).map((c) => c.version)).toEqual([cs.version]);
    }
    const peer = memStore(7);
    expect(peer.apply([...all].reverse()).pending).toEqual([]);
    expect(dump(peer)).toEqual(dump(a));
    a.close();
    peer.close();
  });

  it('folds into compacted documents survive a reopen (several folds, one chunk per document)', () => {
    const path = file();
    const a = Store.open({ path, schema: SCHEMA, runtime: testRuntime(13), maxChunksPerDoc: 1 });
    const all = write(a, 1, 3 * LOCAL_TAIL_MAX_CHANGESETS + 10);
    const rows = dump(a);
    a.close();
    const b = Store.open({ path, schema: SCHEMA, runtime: testRuntime(14), maxChunksPerDoc: 1 });
    expect(dump(b)).toEqual(rows);
    const more = write(b, 5000, 3);
    const peer = memStore(15);
    expect(peer.apply([...all, ...more]).pending).toEqual([]);
    expect(dump(peer)).toEqual(dump(b));
    b.close();
    peer.close();
  });

  it('a fold that fails rolls its commit back; the next commit folds', () => {
    const path = file();
    const a = Store.open({ path, schema: SCHEMA, runtime: testRuntime(8) });
    // From 1: write(0) inserts and deletes row 0 in one transaction, which changes nothing.
    const all = write(a, 1, LOCAL_TAIL_MAX_CHANGESETS);
    expect(all.length).toBe(LOCAL_TAIL_MAX_CHANGESETS);
    const before = dump(a);
    const orig = ChangesetLog.prototype.setLocalFolded;
    ChangesetLog.prototype.setLocalFolded = () => {
      throw new Error('disk full');
    };
    try {
      expect(() => write(a, 1000, 1)).toThrow('disk full');
    } finally {
      ChangesetLog.prototype.setLocalFolded = orig;
    }
    expect(dump(a)).toEqual(before);
    expect(a.syncState().books[a.actorId]?.max).toBe(all.length);
    const next = write(a, 1000, 1)[0] as Changeset;
    expect(next.version).toBe(all.length + 1);
    expect(folded(path)).toBe(next.version);
    const peer = memStore(9);
    expect(peer.apply([next, ...all]).pending).toEqual([]);
    expect(dump(peer)).toEqual(dump(a));
    a.close();
    peer.close();
  });

  it('a format 1 file is upgraded in place; an unknown format is refused and left alone', () => {
    const path = file();
    const a = Store.open({ path, schema: SCHEMA, runtime: testRuntime(10) });
    const first = write(a, 0, 30);
    a.close();
    // Reopening folds everything, which is exactly what format 1 stored; then mark it format 1.
    Store.open({ path, schema: SCHEMA }).close();
    let db = new Database(path);
    db.prepare("UPDATE __corro_meta SET value = 1 WHERE key = 'format'").run();
    db.prepare('DELETE FROM __corro_meta WHERE key = ?').run(LOCAL_FOLDED_KEY);
    db.close();
    const b = Store.open({ path, schema: SCHEMA, runtime: testRuntime(11) });
    expect(folded(path)).toBe(first.length);
    const more = write(b, 30, 5);
    const peer = memStore(12);
    expect(peer.apply([...first, ...more]).pending).toEqual([]);
    expect(dump(peer)).toEqual(dump(b));
    b.close();
    peer.close();
    db = new Database(path);
    db.prepare("UPDATE __corro_meta SET value = ? WHERE key = 'format'").run(STORE_FORMAT + 1);
    db.close();
    expect(() => Store.open({ path, schema: SCHEMA })).toThrow(/format 3 is not supported/);
  });
});
