import { describe, expect, it } from 'vitest';
import { diffResult, type ResultRows } from '../../src/subscriptions/diff.js';
import { cellsKey, identityKeys } from '../../src/subscriptions/row-identity.js';

function run(prev: unknown[][], next: unknown[][], idCols: number[] | null) {
  const rows: ResultRows = new Map();
  let rowid = 1;
  diffResult(rows, prev, idCols, () => rowid++);
  return diffResult(rows, next, idCols, () => rowid++);
}

describe('diffResult', () => {
  const cases: [string, unknown[][], unknown[][], number[] | null, unknown[]][] = [
    ['no change', [[1, 'a']], [[1, 'a']], [0], []],
    [
      'insert',
      [[1, 'a']],
      [
        [1, 'a'],
        [2, 'b'],
      ],
      [0],
      [{ type: 'insert', rowid: 2, cells: [2, 'b'] }],
    ],
    [
      'delete',
      [
        [1, 'a'],
        [2, 'b'],
      ],
      [[2, 'b']],
      [0],
      [{ type: 'delete', rowid: 1, cells: [1, 'a'] }],
    ],
    ['update by key', [[1, 'a']], [[1, 'z']], [0], [{ type: 'update', rowid: 1, cells: [1, 'z'] }]],
    [
      'whole-row identity turns a change into delete + insert',
      [[1, 'a']],
      [[1, 'z']],
      null,
      [
        { type: 'delete', rowid: 1, cells: [1, 'a'] },
        { type: 'insert', rowid: 2, cells: [1, 'z'] },
      ],
    ],
    [
      'duplicates are told apart',
      [['x'], ['x']],
      [['x']],
      null,
      [{ type: 'delete', rowid: 2, cells: ['x'] }],
    ],
    ['reordering is not a change', [[1], [2]], [[2], [1]], [0], []],
    [
      'composite key',
      [[1, 'h', 0]],
      [[1, 'h', 1]],
      [0, 1],
      [{ type: 'update', rowid: 1, cells: [1, 'h', 1] }],
    ],
  ];
  for (const [name, prev, next, idCols, expected] of cases) {
    it(name, () => expect(run(prev, next, idCols)).toEqual(expected));
  }
});

describe('row identity keys', () => {
  it('distinguish types, blobs and bigints', () => {
    expect(cellsKey([1])).not.toBe(cellsKey(['1']));
    expect(cellsKey([Buffer.from([1, 2])])).not.toBe(cellsKey([[1, 2]]));
    expect(cellsKey([10n])).not.toBe(cellsKey([10]));
    expect(identityKeys([[1], [1], [2]], null)).toEqual(['[1]#0', '[1]#1', '[2]#0']);
  });
});
