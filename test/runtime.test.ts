import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomInt, seededRng, shuffled } from '../src/runtime/rng.js';
import { VirtualScheduler } from '../src/runtime/virtual-scheduler.js';

describe('seededRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const c = seededRng(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(sa);
  });

  it('stays in [0, 1) and randomInt in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const r = seededRng(seed);
        for (let i = 0; i < 50; i++) {
          const x = r.next();
          if (x < 0 || x >= 1) return false;
          const k = randomInt(r, n);
          if (k < 0 || k >= n || !Number.isInteger(k)) return false;
        }
        return true;
      }),
    );
  });

  it('shuffled is a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer()), (seed, xs) => {
        const s = shuffled(seededRng(seed), xs);
        expect([...s].sort((p, q) => p - q)).toEqual([...xs].sort((p, q) => p - q));
      }),
    );
  });
});

describe('VirtualScheduler', () => {
  it('runs events in time then insertion order and advances the clock', () => {
    const s = new VirtualScheduler(0);
    const log: string[] = [];
    s.after(20, () => log.push(`b@${s.now()}`));
    s.after(10, () => log.push(`a@${s.now()}`));
    s.after(20, () => log.push(`c@${s.now()}`));
    const t = s.after(15, () => log.push('cancelled'));
    t.cancel();
    s.runFor(100);
    expect(log).toEqual(['a@10', 'b@20', 'c@20']);
    expect(s.now()).toBe(100);
  });

  it('events scheduled from events run at the right time', () => {
    const s = new VirtualScheduler(0);
    const times: number[] = [];
    const tick = () => {
      times.push(s.now());
      if (times.length < 5) s.after(7, tick);
    };
    s.after(0, tick);
    s.runFor(1000);
    expect(times).toEqual([0, 7, 14, 21, 28]);
  });

  it('runUntilTrue stops at the first event that makes the predicate hold', () => {
    const s = new VirtualScheduler(0);
    let n = 0;
    for (let i = 1; i <= 10; i++) s.after(i * 10, () => n++);
    expect(s.runUntilTrue(() => n >= 3, 1000)).toBe(true);
    expect(s.now()).toBe(30);
    expect(s.runUntilTrue(() => n >= 100, 50)).toBe(false);
    expect(s.now()).toBe(80);
  });
});
