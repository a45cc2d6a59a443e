import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessDelta, scaleTimeout } from '../../src/membership/awareness.js';
import { digestBucketBits } from '../../src/membership/digest.js';
import {
  expectedConfirmations,
  remainingSuspicionMs,
  Suspicion,
  suspicionTimeoutMs,
} from '../../src/membership/suspicion.js';
import { retransmitLimit } from '../../src/membership/transmit-queue.js';
import type { ActorId } from '../../src/store/types.js';

// Tables taken from memberlist's own tests where it has them (suspicion_test.go, util_test.go,
// awareness_test.go), so corro computes the same numbers as the reference implementation.

describe('suspicionTimeoutMs = mult * max(1, log10(max(1, n))) * probeInterval', () => {
  it.each([
    [5, 1000],
    [10, 1000],
    [50, 1698],
    [100, 2000],
    [500, 2698],
    [1000, 3000],
  ])('n=%i, mult 3, interval 1 s -> %i ms per unit of mult', (n, perMult) => {
    expect(suspicionTimeoutMs(3, n, 1000)).toBe(3 * perMult);
  });

  it('lan preset, 5 members: 4 s; 1 member: never below one unit', () => {
    expect(suspicionTimeoutMs(4, 5, 1000)).toBe(4000);
    expect(suspicionTimeoutMs(4, 1, 1000)).toBe(4000);
    expect(suspicionTimeoutMs(4, 0, 1000)).toBe(4000);
  });
});

describe('remainingSuspicionMs (Lifeguard dynamic suspicion)', () => {
  it.each([
    // confirmations, expected, elapsed, min, max, remaining
    [0, 3, 0, 2000, 30_000, 30_000],
    [1, 3, 2000, 2000, 30_000, 14_000],
    [2, 3, 3000, 2000, 30_000, 4810],
    [3, 3, 4000, 2000, 30_000, -2000],
    [4, 3, 5000, 2000, 30_000, -3000],
    [5, 3, 10_000, 2000, 30_000, -8000],
    [0, 0, 1000, 2000, 30_000, 1000],
  ])('c=%i k=%i elapsed=%i min=%i max=%i -> %i', (c, k, elapsed, min, max, expected) => {
    expect(remainingSuspicionMs(c, k, elapsed, min, max)).toBe(expected);
  });

  it.each([
    [4, 5, 2],
    [4, 4, 2],
    [4, 3, 0],
    [3, 5, 1],
    [6, 10, 4],
    [1, 10, 0],
  ])('expected confirmations: mult %i, n %i -> %i', (mult, n, k) => {
    expect(expectedConfirmations(mult, n)).toBe(k);
  });

  it('a suspicion counts each confirmer once, never the originator, and at most k', () => {
    const a = 'a'.repeat(32) as ActorId;
    const b = 'b'.repeat(32) as ActorId;
    const c = 'c'.repeat(32) as ActorId;
    const d = 'd'.repeat(32) as ActorId;
    const s = new Suspicion(a, 2, 2000, 30_000, 0, 1);
    expect(s.initialTimeoutMs()).toBe(30_000);
    expect(s.confirm(a, 100)).toBeUndefined();
    expect(s.confirm(b, 1000)).toBe(remainingSuspicionMs(1, 2, 1000, 2000, 30_000));
    expect(s.confirm(b, 1100)).toBeUndefined();
    expect(s.confirm(c, 1500)).toBe(2000 - 1500);
    expect(s.confirm(d, 1600)).toBeUndefined();
    expect(s.count).toBe(2);
    expect(new Suspicion(a, 0, 2000, 30_000, 0, 1).initialTimeoutMs()).toBe(2000);
  });
});

describe('retransmitLimit = mult * ceil(log10(n + 1))', () => {
  it.each([
    [3, 0, 0],
    [3, 1, 3],
    [3, 9, 3],
    [3, 10, 6],
    [3, 99, 6],
    [4, 100, 12],
    [4, 5, 4],
  ])('mult %i, n %i -> %i', (mult, n, limit) => {
    expect(retransmitLimit(mult, n)).toBe(limit);
  });
});

describe('awareness (local health multiplier)', () => {
  it('follows memberlist awareness_test.go', () => {
    const cases: [number, number, number][] = [
      [0, 0, 1000],
      [-1, 0, 1000],
      [-10, 0, 1000],
      [1, 1, 2000],
      [-1, 0, 1000],
      [10, 7, 8000],
      [-1, 6, 7000],
      [-1, 5, 6000],
      [-1, 4, 5000],
      [-1, 3, 4000],
      [-1, 2, 3000],
      [-1, 1, 2000],
      [-1, 0, 1000],
      [-1, 0, 1000],
    ];
    const a = new Awareness(8);
    for (const [delta, score, timeout] of cases) {
      a.apply(delta);
      expect(a.score).toBe(score);
      expect(a.scale(1000)).toBe(timeout);
    }
  });

  it('pure helpers clamp and scale', () => {
    expect(applyAwarenessDelta(0, 5, 1)).toBe(0);
    expect(applyAwarenessDelta(3, -5, 8)).toBe(0);
    expect(scaleTimeout(500, 3)).toBe(2000);
  });
});

describe('digest bucket count', () => {
  it.each([
    [0, 0],
    [15, 0],
    [16, 1],
    [31, 1],
    [32, 2],
    [100, 3],
    [600, 6],
    [1000, 6],
    [1024, 7],
    [8192, 10],
    [10_000, 10],
    [1_000_000, 10],
  ])('n=%i -> 2^%i buckets', (n, bits) => {
    expect(digestBucketBits(n)).toBe(bits);
  });
});
