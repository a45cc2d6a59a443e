import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCS_PER_TABLE } from '../../src/crdt/row-key.js';
import { decodeChangeset, encodeChangeset } from '../../src/store/changeset-codec.js';
import { ChangesetDecodeError } from '../../src/store/errors.js';
import type { ActorId, Changeset, HlcTimestamp, Version } from '../../src/store/types.js';

const hex = (n: number) =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));

const changeset: fc.Arbitrary<Changeset> = fc.record({
  actor: hex(16).map((s) => s as ActorId),
  version: fc.integer({ min: 1, max: 2 ** 48 }).map((v) => v as Version),
  ts: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((t) => t as HlcTimestamp),
  changes: fc.uniqueArray(
    fc.record({
      table: fc.string({ minLength: 1, maxLength: 20 }),
      doc: fc.integer({ min: 0, max: DOCS_PER_TABLE - 1 }).map((d) => d.toString(16).padStart(2, '0')),
      data: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
    { minLength: 1, maxLength: 5, selector: (c) => `${c.table}\u0000${c.doc}` },
  ),
});

describe('changeset codec', () => {
  it('round-trips any valid changeset', () => {
    fc.assert(
      fc.property(changeset, (cs) => {
        expect(decodeChangeset(encodeChangeset(cs))).toEqual(cs);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to encode an invalid changeset', () => {
    expect(() => encodeChangeset({ actor: 'x', version: 1, ts: 0, changes: [] } as never)).toThrow(
      ChangesetDecodeError,
    );
  });
});
