import { describe, expect, it } from 'vitest';
import { afterDelete, afterInsert, isPresent, winningLength } from '../../src/crdt/causal-length.js';
import type { SqlValue } from '../../src/crdt/cell.js';
import { mergeRowValues, planLocalWrite } from '../../src/crdt/row-merge.js';
import type { RowValue } from '../../src/crdt/row-value.js';

const row = (cl: number, ...cols: ([SqlValue, number] | undefined)[]): RowValue => ({
  cl,
  cols: cols.map((c) => (c ? { value: c[0], version: c[1] } : undefined)),
});

describe('causal length', () => {
  it.each([
    [[], 0, false],
    [[1], 1, true],
    [[1, 2], 2, false],
    [[3, 2], 3, true],
    [[2, 4, 3], 4, false],
  ])('winning length of %j is %d (present: %s)', (values, cl, present) => {
    expect(winningLength(values)).toBe(cl);
    expect(isPresent(cl)).toBe(present);
  });

  it.each([
    [0, 1, 0],
    [1, 1, 2],
    [2, 3, 2],
    [5, 5, 6],
  ])('from %d: insert -> %d, delete -> %d', (cl, ins, del) => {
    expect(afterInsert(cl)).toBe(ins);
    expect(afterDelete(cl)).toBe(del);
  });
});

describe('mergeRowValues', () => {
  it.each<[string, RowValue[], RowValue]>([
    ['single value', [row(1, ['a', 1])], row(1, ['a', 1])],
    ['delete beats a concurrent update', [row(1, ['a', 2]), row(2)], row(2)],
    ['re-insert beats the delete', [row(2), row(3, ['b', 1])], row(3, ['b', 1])],
    [
      'stale incarnation ignored',
      [row(3, ['new', 1], ['x', 1]), row(1, ['old', 9], ['y', 9])],
      row(3, ['new', 1], ['x', 1]),
    ],
    [
      'different columns both survive',
      [row(1, ['a2', 2], [1n, 1]), row(1, ['a1', 1], [2n, 2])],
      row(1, ['a2', 2], [2n, 2]),
    ],
    ['equal versions: later op wins', [row(1, ['first', 2]), row(1, ['second', 2])], row(1, ['second', 2])],
    [
      'short value (older schema) keeps the wider',
      [row(1, ['a', 1]), row(1, ['b', 1], [5n, 1])],
      row(1, ['b', 1], [5n, 1]),
    ],
    ['absent column stays absent', [row(1, ['a', 1], undefined)], row(1, ['a', 1], undefined)],
  ])('%s', (_name, values, expected) => {
    expect(mergeRowValues(values)).toEqual(expected);
  });

  it('is independent of how values were grouped before (associative over the winner set)', () => {
    const a = row(1, ['a', 2], [1n, 1]);
    const b = row(1, ['b', 1], [2n, 3]);
    const c = row(1, ['c', 2], [3n, 2]);
    expect(mergeRowValues([mergeRowValues([a, b]), c])).toEqual(mergeRowValues([a, b, c]));
  });
});

describe('planLocalWrite', () => {
  it.each<[string, RowValue | undefined, SqlValue[] | undefined, RowValue | null]>([
    ['insert of a new row', undefined, ['a', 1n], row(1, ['a', 1], [1n, 1])],
    ['delete of a missing row', undefined, undefined, null],
    ['no change', row(1, ['a', 3], [1n, 1]), ['a', 1n], null],
    ['update bumps only the changed column', row(1, ['a', 3], [1n, 1]), ['a', 2n], row(1, ['a', 3], [2n, 2])],
    ['int 1 and real 1 differ', row(1, [1n, 1]), [1], row(1, [1, 2])],
    ['delete', row(3, ['a', 1]), undefined, row(4)],
    ['re-insert after delete starts a new incarnation', row(4), ['z'], row(5, ['z', 1])],
    [
      'column absent in the document is written',
      row(1, ['a', 1], undefined),
      ['a', null],
      row(1, ['a', 1], [null, 1]),
    ],
  ])('%s', (_name, current, sqlRow, expected) => {
    expect(planLocalWrite(current, sqlRow)).toEqual(expected);
  });
});
