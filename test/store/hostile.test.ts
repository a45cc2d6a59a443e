import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrdtDoc } from '../../src/crdt/automerge-doc.js';
import { docIdFor, encodeRowKey } from '../../src/crdt/row-key.js';
import { encodeRowValue } from '../../src/crdt/row-value.js';
import { decodeChangeset, encodeChangeset, MAX_CHANGESET_BYTES } from '../../src/store/changeset-codec.js';
import { ChangesetDecodeError, InvalidChangesetError } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';
import type { ActorId, Changeset, HlcTimestamp, Version } from '../../src/store/types.js';
import { dump, storesClosedAfterEach } from './helpers.js';

const store = storesClosedAfterEach();

const ACTOR = 'ee'.repeat(16) as ActorId;

/** A changeset with one hand-made Automerge change putting `value` at `key` of `table`. */
function forged(
  table: string,
  key: string,
  value: Uint8Array,
  opts: { actor?: string; doc?: string } = {},
): Changeset {
  const d = CrdtDoc.create(opts.actor ?? ACTOR);
  d.putBytes(key, value);
  const c = d.commit()!;
  d.free();
  return {
    actor: ACTOR,
    version: 1 as Version,
    ts: 1 as HlcTimestamp,
    changes: [{ table, doc: opts.doc ?? docIdFor(key), data: c.change }],
  };
}

const goodRow = encodeRowValue({ cl: 1, cols: [{ value: 'x', version: 1 }] });

describe('hostile changesets', () => {
  it('decodeChangeset rejects random bytes with a named error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeChangeset(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ChangesetDecodeError);
          return;
        }
        throw new Error('random bytes decoded');
      }),
      { numRuns: 300 },
    );
  });

  it('decodeChangeset rejects every truncation and every single-byte corruption of a valid changeset', () => {
    const a = store(1);
    const bytes = encodeChangeset(a.exec("INSERT INTO kv VALUES ('a', 'b', 1)")!);
    for (let len = 0; len < bytes.length; len++) {
      expect(() => decodeChangeset(bytes.subarray(0, len))).toThrow(ChangesetDecodeError);
    }
    // A corrupted byte either fails decoding or yields a changeset apply() refuses or accepts
    // cleanly; it never throws anything but a named error.
    const b = store(2);
    for (let i = 0; i < bytes.length; i++) {
      const bad = Uint8Array.from(bytes);
      bad[i] = (bad[i] as number) ^ 0x5a;
      try {
        b.apply([decodeChangeset(bad)]);
      } catch (e) {
        expect([ChangesetDecodeError.name, InvalidChangesetError.name]).toContain((e as Error).name);
      }
    }
  });

  it('rejects wrong types and absurd sizes', () => {
    const a = store(1);
    const cs = a.exec("INSERT INTO kv VALUES ('a', 'b', 1)")!;
    const bad: unknown[] = [
      { ...cs, actor: 'xyz' },
      { ...cs, version: 0 },
      { ...cs, version: 1.5 },
      { ...cs, version: 2 ** 60 },
      { ...cs, ts: -1 },
      { ...cs, changes: [] },
      { ...cs, changes: [{ table: 'kv', doc: 'zz', data: new Uint8Array(8) }] },
      { ...cs, changes: [{ table: 'kv', doc: '00', data: 'text' }] },
      { ...cs, changes: [{ table: 'x'.repeat(1000), doc: '00', data: new Uint8Array(8) }] },
      { ...cs, changes: Array.from({ length: 5000 }, () => cs.changes[0]) },
      null,
      'changeset',
    ];
    const b = store(2);
    for (const x of bad) expect(() => b.apply([x as Changeset])).toThrow(InvalidChangesetError);
    expect(() => decodeChangeset(new Uint8Array(MAX_CHANGESET_BYTES + 1))).toThrow(ChangesetDecodeError);
    expect(b.syncState().books).toEqual({});
  });

  it.each([
    ['unknown table', () => forged('nope', encodeRowKey(['a', 'b']), goodRow)],
    ['wrong key arity', () => forged('kv', encodeRowKey(['a']), goodRow)],
    ['non-canonical key', () => forged('kv', '[ "sa","sb"]', goodRow)],
    [
      'row in the wrong document',
      () => {
        const k = encodeRowKey(['a', 'b']);
        return forged('kv', k, goodRow, {
          doc: ['00', '01', '02', '03'].find((d) => d !== docIdFor(k)) as string,
        });
      },
    ],
    [
      'unknown column',
      () =>
        forged(
          'kv',
          encodeRowKey(['a', 'b']),
          encodeRowValue({ cl: 1, cols: [undefined, { value: 1n, version: 1 }] }),
        ),
    ],
    ['garbage row value', () => forged('kv', encodeRowKey(['a', 'b']), new Uint8Array([1, 1, 1, 9, 9]))],
    [
      'truncated row value',
      () => forged('kv', encodeRowKey(['a', 'b']), goodRow.subarray(0, goodRow.length - 1)),
    ],
    [
      'change by another actor',
      () => forged('kv', encodeRowKey(['a', 'b']), goodRow, { actor: 'ff'.repeat(16) }),
    ],
  ])('refuses %s and leaves the store unchanged', (_name, make) => {
    const b = store(2);
    const before = a0(b);
    const good = store(3).exec("INSERT INTO kv VALUES ('q', 'r', 1)")!;
    expect(() => b.apply([good, make()])).toThrow(InvalidChangesetError);
    expect(a0(b)).toEqual(before);
  });

  it('a valid changeset that violates a constraint throws; as a pending one it is dropped, not a poison pill', () => {
    // users.n is NOT NULL DEFAULT 0; these row values set it to NULL.
    const key = encodeRowKey([7n]);
    const doc = CrdtDoc.create(ACTOR);
    doc.putBytes(key, encodeRowValue({ cl: 1, cols: [{ value: 'ok', version: 1 }] }));
    const c1 = doc.commit()!;
    doc.putBytes(
      key,
      encodeRowValue({ cl: 1, cols: [undefined, undefined, undefined, { value: null, version: 1 }] }),
    );
    const c2 = doc.commit()!;
    doc.free();
    const cs = (version: number, data: Uint8Array): Changeset => ({
      actor: ACTOR,
      version: version as Version,
      ts: 1 as HlcTimestamp,
      changes: [{ table: 'users', doc: docIdFor(key), data }],
    });
    const b = store(2);
    expect(() => b.apply([cs(2, c2.change)])).not.toThrow();
    expect(b.stats().pendingChangesets).toBe(1);
    const r = b.apply([cs(1, c1.change)]);
    expect(r.applied.map((x) => x.version)).toEqual([1]);
    expect(b.stats()).toMatchObject({ pendingChangesets: 0, failedPending: 1 });
    expect(b.query('SELECT id, name, n FROM users')).toEqual([{ id: 7, name: 'ok', n: 0 }]);
    // Delivered again directly, it throws a named error and changes nothing.
    const before = a0(b);
    expect(() => b.apply([cs(2, c2.change)])).toThrow(InvalidChangesetError);
    expect(a0(b)).toEqual(before);
    // The store still works.
    expect(b.exec("UPDATE users SET name = 'fine' WHERE id = 7")?.version).toBe(1);
  });

  it('applies a well-formed forged changeset (the checks are not over-strict)', () => {
    const b = store(2);
    b.apply([forged('kv', encodeRowKey(['a', 'b']), goodRow)]);
    expect(b.query('SELECT * FROM kv')).toEqual([{ ns: 'a', k: 'b', v: 'x' }]);
  });
});

function a0(s: Store): unknown {
  return { rows: dump(s), sync: s.syncState(), stats: s.stats() };
}
