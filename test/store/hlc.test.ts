import { describe, expect, it } from 'vitest';
import { HybridClock, hlcReceive, hlcSend, packHlc, unpackHlc } from '../../src/store/hlc.js';

const ts = (p: number, l: number) => packHlc(p, l);

describe('hybrid logical clock', () => {
  it.each([
    ['wall ahead: take the wall, logical 0', ts(100, 5), 200, ts(200, 0)],
    ['wall equal: bump logical', ts(100, 5), 100, ts(100, 6)],
    ['wall behind: keep physical, bump logical', ts(100, 5), 50, ts(100, 6)],
    ['logical overflow: next millisecond', ts(100, 999), 100, ts(101, 0)],
    ['fractional wall clock is floored', ts(100, 0), 100.9, ts(100, 1)],
  ])('send: %s', (_name, last, wall, expected) => {
    expect(hlcSend(last, wall)).toBe(expected);
  });

  it.each([
    ['remote ahead of both', ts(100, 1), ts(150, 7), 120, ts(150, 8)],
    ['wall ahead of both', ts(100, 1), ts(150, 7), 200, ts(200, 0)],
    ['local ahead', ts(300, 4), ts(150, 7), 200, ts(300, 5)],
    ['same physical: max logical + 1', ts(150, 3), ts(150, 7), 100, ts(150, 8)],
    ['remote beyond the drift bound is ignored', ts(100, 1), ts(100_000, 0), 100, ts(100, 1)],
  ])('receive: %s', (_name, last, remote, wall, expected) => {
    expect(hlcReceive(last, remote, wall, 60_000)).toBe(expected);
  });

  it('packs as physicalMs * 1000 + logical', () => {
    expect(packHlc(1_700_000_000_000, 42)).toBe(1_700_000_000_000_042);
    expect(unpackHlc(1_700_000_000_000_042)).toEqual({ physicalMs: 1_700_000_000_000, logical: 42 });
  });

  it('a clock never goes backwards, even when the wall clock does', () => {
    let wall = 1000;
    const c = new HybridClock({ now: () => wall });
    const seen: number[] = [];
    for (const w of [1000, 1000, 900, 1200, 1100, 1100]) {
      wall = w;
      seen.push(c.now());
    }
    c.receive(ts(5000, 3) as never);
    seen.push(c.now());
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
    expect(seen[seen.length - 1]).toBe(ts(5000, 5));
  });
});
