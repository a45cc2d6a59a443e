import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import type { ActorId, SyncState, VersionRange } from '../../src/store/types.js';
import {
  computeNeeds,
  countNeeds,
  haveRanges,
  lackFromHeads,
  normalizeRanges,
  subtractRanges,
  takeNeeds,
} from '../../src/sync/needs.js';
import { choosePeer, nextBackoff } from '../../src/sync/peer-choice.js';
import { PeerKnowledge } from '../../src/sync/peer-knowledge.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

function expand(rs: readonly VersionRange[]): number[] {
  const out: number[] = [];
  for (const [a, b] of rs) for (let v = a; v <= b; v++) out.push(v);
  return out;
}

describe('range arithmetic', () => {
  it.each([
    [
      [[1, 10]],
      [[3, 4]],
      [
        [1, 2],
        [5, 10],
      ],
    ],
    [[[1, 10]], [[1, 10]], []],
    [[[1, 10]], [[0, 100]], []],
    [[[5, 6]], [[1, 2]], [[5, 6]]],
    [
      [
        [1, 3],
        [7, 9],
      ],
      [[2, 8]],
      [
        [1, 1],
        [9, 9],
      ],
    ],
  ] as [VersionRange[], VersionRange[], VersionRange[]][])('subtract %j - %j = %j', (a, b, out) => {
    expect(subtractRanges(a, b)).toEqual(out);
  });

  it('normalizes overlapping and adjacent ranges', () => {
    expect(
      normalizeRanges([
        [5, 6],
        [1, 2],
        [3, 3],
        [6, 9],
      ]),
    ).toEqual([
      [1, 3],
      [5, 9],
    ]);
    expect(
      normalizeRanges([
        [4, 4],
        [1, 3],
      ]),
    ).toEqual([[1, 4]]);
  });

  it('subtract matches set difference', () => {
    const rs = fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 8 })), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(rs, rs, (a0, b0) => {
        const a = a0.map(([x, d]) => [x, x + d] as const);
        const b = b0.map(([x, d]) => [x, x + d] as const);
        const bs = new Set(expand(b));
        const want = [...new Set(expand(a))].filter((v) => !bs.has(v)).sort((x, y) => x - y);
        expect(expand(subtractRanges(a, b))).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('computes needs from two books, gaps included', () => {
    const local: SyncState = { actor: A as ActorId, books: { [A]: { max: 10, gaps: [[4, 5]] } } };
    const remote: SyncState = {
      actor: B as ActorId,
      books: { [A]: { max: 12, gaps: [[5, 5]] }, [B]: { max: 3, gaps: [] } },
    };
    expect(computeNeeds(local, remote)).toEqual({
      [A]: [
        [4, 4],
        [11, 12],
      ],
      [B]: [[1, 3]],
    });
    expect(countNeeds(computeNeeds(local, remote))).toBe(6);
    expect(computeNeeds(remote, remote)).toEqual({});
    expect(haveRanges({ max: 0, gaps: [] })).toEqual([]);
  });

  it('computeNeeds equals the set difference of what each side has (with and without gaps)', () => {
    const book = fc
      .tuple(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.nat(3)), { maxLength: 3 }),
      )
      .map(([max, gs]) => ({
        max,
        gaps: normalizeRanges(gs.map(([a, d]) => [a, a + d] as const).filter(([, b]) => b <= max)),
      }));
    fc.assert(
      fc.property(book, book, fc.boolean(), (lb, rb, localKnows) => {
        const local: SyncState = { actor: A as ActorId, books: localKnows ? { [B]: lb } : {} };
        const remote: SyncState = { actor: B as ActorId, books: { [B]: rb } };
        const has = (bk: typeof lb) => new Set(expand(haveRanges(bk)));
        const mine = localKnows ? has(lb) : new Set<number>();
        const want = [...has(rb)].filter((v) => !mine.has(v)).sort((x, y) => x - y);
        expect(expand(computeNeeds(local, remote)[B] ?? [])).toEqual(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('takeNeeds cuts bounded chunks that together are the whole', () => {
    const needs = {
      [A]: [
        [1, 5],
        [9, 9],
      ] as VersionRange[],
      [B]: [[2, 4]] as VersionRange[],
    };
    const { chunk, rest } = takeNeeds(needs, 4);
    expect(chunk).toEqual({ [A]: [[1, 4]] });
    expect(rest).toEqual({
      [A]: [
        [5, 5],
        [9, 9],
      ],
      [B]: [[2, 4]],
    });
    let left: typeof rest = needs;
    let total = 0;
    for (let i = 0; i < 10 && countNeeds(left) > 0; i++) {
      const t = takeNeeds(left, 3);
      expect(countNeeds(t.chunk)).toBeLessThanOrEqual(3);
      total += countNeeds(t.chunk);
      left = t.rest;
    }
    expect(total).toBe(9);
  });

  it('lackFromHeads counts versions above our max and in our gaps', () => {
    const local: SyncState = {
      actor: A as ActorId,
      books: {
        [A]: {
          max: 10,
          gaps: [
            [4, 5],
            [9, 9],
          ],
        },
      },
    };
    expect(lackFromHeads(local, new Map([[A, 8]]))).toBe(2);
    expect(lackFromHeads(local, new Map([[A, 12]]))).toBe(5);
    expect(lackFromHeads(local, new Map([[B, 7]]))).toBe(7);
  });
});

describe('peer choice and backoff', () => {
  const c = (actor: string, lack: number, rttMs?: number) => ({ actor: actor as ActorId, lack, rttMs });

  it('prefers the peer holding most of what we lack, then the nearer one', () => {
    const rng = seededRng(1);
    expect(choosePeer([c('x', 0), c('y', 5), c('z', 9)], rng)?.actor).toBe('z');
    expect(choosePeer([c('y', 5, 30), c('z', 5, 10)], rng)?.actor).toBe('z');
    expect(choosePeer([], rng)).toBeUndefined();
  });

  it('picks uniformly when nothing is known to be missing', () => {
    const rng = seededRng(2);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const p = choosePeer([c('x', 0), c('y', 0), c('z', 0)], rng)?.actor ?? '';
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    for (const k of ['x', 'y', 'z']) expect(counts.get(k)).toBeGreaterThan(800);
  });

  it('explores a random peer after an empty round, even when one looks best', () => {
    const rng = seededRng(4);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++)
      seen.add(choosePeer([c('x', 0), c('y', 0), c('z', 9)], rng, true)?.actor ?? '');
    expect([...seen].sort()).toEqual(['x', 'y', 'z']);
  });

  it('a gap shared with a peer is not counted as that peer holding it', () => {
    // Found by corro-sim (churn, seed 27 before the two-hop push): three nodes lacked version 2
    // of one actor; each kept choosing a peer with the same gap, and 90 s of anti-entropy
    // never filled it.
    const a = 'a'.repeat(32);
    const local: SyncState = { actor: 'l'.repeat(32) as ActorId, books: { [a]: { max: 4, gaps: [[2, 2]] } } };
    const same: SyncState = { actor: 's'.repeat(32) as ActorId, books: { [a]: { max: 4, gaps: [[2, 2]] } } };
    const full: SyncState = { actor: 'f'.repeat(32) as ActorId, books: { [a]: { max: 4, gaps: [] } } };
    const k = new PeerKnowledge();
    k.noteState('s' as ActorId, same, local);
    k.noteState('f' as ActorId, full, local);
    expect(k.lack('s' as ActorId, local)).toBe(0);
    expect(k.lack('f' as ActorId, local)).toBe(1);
  });

  it('backs off to the ceiling while idle and resets when something is found', () => {
    const rng = seededRng(3);
    let cur = 1000;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const b = nextBackoff(rng, cur, false, 1000, 15000);
      cur = b.currentMs;
      delays.push(b.delayMs);
    }
    expect(cur).toBe(15000);
    for (const d of delays) expect(d >= 1000 && d <= 15000).toBe(true);
    const reset = nextBackoff(rng, cur, true, 1000, 15000);
    expect(reset.currentMs).toBe(1000);
    expect(reset.delayMs).toBe(1000);
  });
});
