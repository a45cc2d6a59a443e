import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../src/crdt/cell.js';
import { DOCS_PER_TABLE, decodeRowKey, docIdFor, encodeRowKey, RowKeyError } from '../../src/crdt/row-key.js';
import { decodeRowValue, encodeRowValue, type RowValue, RowValueError } from '../../src/crdt/row-value.js';

const sqlValue: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.double({ noNaN: true }),
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);

const rowValue: fc.Arbitrary<RowValue> = fc.record({
  cl: fc.integer({ min: 1, max: 2 ** 40 }),
  cols: fc.array(
    fc.option(fc.record({ value: sqlValue, version: fc.integer({ min: 1, max: 2 ** 40 }) }), {
      nil: undefined,
    }),
    {
      maxLength: 8,
    },
  ),
});

describe('row value codec', () => {
  it('round-trips every value with its storage class', () => {
    fc.assert(
      fc.property(rowValue, (v) => {
        expect(decodeRowValue(encodeRowValue(v), 8)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps INTEGER and REAL apart, and 64-bit integers exact', () => {
    const v: RowValue = {
      cl: 1,
      cols: [
        { value: 5n, version: 1 },
        { value: 5, version: 1 },
        { value: 2n ** 63n - 1n, version: 2 },
        { value: '\u0000nul', version: 1 },
      ],
    };
    expect(decodeRowValue(encodeRowValue(v), 4)).toEqual(v);
  });

  it('rejects truncations, trailing bytes, too many columns and random bytes with RowValueError', () => {
    fc.assert(
      fc.property(rowValue, fc.uint8Array({ maxLength: 60 }), (v, junk) => {
        const b = encodeRowValue(v);
        for (let i = 0; i < b.length; i++)
          expect(() => decodeRowValue(b.subarray(0, i), 8)).toThrow(RowValueError);
        expect(() => decodeRowValue(Buffer.concat([b, Buffer.from([0])]), 8)).toThrow(RowValueError);
        if (v.cols.length > 0) expect(() => decodeRowValue(b, v.cols.length - 1)).toThrow(RowValueError);
        try {
          decodeRowValue(junk, 8);
        } catch (e) {
          expect(e).toBeInstanceOf(RowValueError);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('row keys', () => {
  it('round-trip and are canonical', () => {
    fc.assert(
      fc.property(fc.array(sqlValue, { minLength: 1, maxLength: 3 }), (pk) => {
        const k = encodeRowKey(pk);
        expect(encodeRowKey(decodeRowKey(k, pk.length))).toBe(k);
      }),
      { numRuns: 300 },
    );
  });

  it('give equal keys to values SQLite considers equal', () => {
    expect(encodeRowKey([5])).toBe(encodeRowKey([5n]));
    expect(encodeRowKey([-0])).toBe(encodeRowKey([0n]));
    expect(encodeRowKey(['5'])).not.toBe(encodeRowKey([5n]));
    expect(encodeRowKey([5.5])).not.toBe(encodeRowKey([5n]));
  });

  it.each([
    ['not json'],
    ['{}'],
    ['["x1"]'],
    ['["i1.5"]'],
    ['["f5"]'],
    ['["bzz"]'],
    ['["i99999999999999999999"]'],
    ['["sa","sb"]'],
  ])('rejects %s for one key column', (k) => {
    expect(() => decodeRowKey(k, 1)).toThrow(RowKeyError);
  });

  it('spread rows over the documents of a table', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1600; i++) {
      const d = docIdFor(encodeRowKey([BigInt(i)]));
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    expect(counts.size).toBe(DOCS_PER_TABLE);
    for (const c of counts.values()) expect(c).toBeGreaterThan(50);
  });
});
