import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestFirst, pushPlan, relayCount, sliceOf } from '../../src/broadcast/fanout.js';
import { SendBudget } from '../../src/broadcast/send-budget.js';
import type { MemberInfo } from '../../src/membership/messaging.js';
import { seededRng } from '../../src/runtime/rng.js';
import type { ActorId } from '../../src/store/types.js';

const id = (i: number) => i.toString(16).padStart(32, '0') as ActorId;
const member = (i: number, region?: string, state: MemberInfo['state'] = 'alive'): MemberInfo => ({
  actorId: id(i),
  addr: `h${i}`,
  state,
  incarnation: 0,
  meta: region === undefined ? {} : { region },
});

describe('push plan', () => {
  it('pushes directly up to directPushMaxPeers, then through ceil(relayFactor * sqrt(n)) relays', () => {
    const c = { directPushMaxPeers: 16, relayFactor: 1 };
    expect(pushPlan(0, 0, c)).toEqual({ kind: 'direct' });
    expect(pushPlan(16, 0, c)).toEqual({ kind: 'direct' });
    expect(pushPlan(17, 0, c)).toEqual({ kind: 'tree', relays: 5 });
    expect(pushPlan(99, 0, c)).toEqual({ kind: 'tree', relays: 10 });
    expect(pushPlan(999, 0, c)).toEqual({ kind: 'tree', relays: 32 });
    expect(pushPlan(999, 0, { directPushMaxPeers: 0, relayFactor: 2 })).toEqual({ kind: 'tree', relays: 64 });
  });

  it('takes relays from the writer region alone when it holds at least half of them', () => {
    const c = { directPushMaxPeers: 16, relayFactor: 1 };
    expect(pushPlan(99, 9, c)).toEqual({ kind: 'tree', relays: 9 });
    expect(pushPlan(99, 5, c)).toEqual({ kind: 'tree', relays: 5 });
    expect(pushPlan(99, 4, c)).toEqual({ kind: 'tree', relays: 10 });
    expect(pushPlan(999, 99, c)).toEqual({ kind: 'tree', relays: 32 });
  });

  it('relay count stays within [1, peers] and the slices cover n with about sqrt(n) each', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (n, f) => {
          const k = relayCount(n, f);
          expect(k).toBeGreaterThanOrEqual(1);
          expect(k).toBeLessThanOrEqual(n);
        },
      ),
    );
    expect(relayCount(0, 1)).toBe(0);
  });
});

describe('slices', () => {
  it('every target falls in exactly one slice, the same on every node, spread evenly', () => {
    const slices = 10;
    const counts = new Array<number>(slices).fill(0);
    for (let i = 1; i <= 1000; i++) {
      const s = sliceOf(id(i), 'abc:7', slices);
      expect(s).toBe(sliceOf(id(i), 'abc:7', slices));
      expect(s >= 0 && s < slices).toBe(true);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    // 100 expected per slice; a uniform hash stays well within [50, 150].
    for (const c of counts) expect(c > 50 && c < 150).toBe(true);
  });

  it('a target does not always share a slice with the same peers: the key reshuffles it', () => {
    const same = [...Array(50).keys()].filter(
      (v) => sliceOf(id(1), `k:${v}`, 8) === sliceOf(id(2), `k:${v}`, 8),
    ).length;
    expect(same).toBeLessThan(25);
  });
});

describe('nearest first', () => {
  it('same region first, then by measured RTT; unmeasured after measured; self and non-alive left out', () => {
    const members = [
      member(0, 'ams'),
      member(1, 'syd'),
      member(2, 'ams'),
      member(3, 'fra'),
      member(4, 'ams', 'suspect'),
      member(5, 'fra'),
      member(6, 'ams'),
    ];
    const rtt = new Map<ActorId, number>([
      [id(1), 300],
      [id(3), 20],
      [id(6), 3],
    ]);
    const { peers, sameRegion } = nearestFirst(members, id(0), (a) => rtt.get(a), seededRng(1));
    expect(peers.slice(0, 2)).toEqual([id(6), id(2)]);
    expect(peers.slice(2)).toEqual([id(3), id(1), id(5)]);
    expect(sameRegion).toBe(2);
  });

  it('without regions it is by RTT alone', () => {
    const members = [member(0), member(1), member(2), member(3)];
    const rtt = (a: ActorId) => (a === id(3) ? 5 : a === id(1) ? 50 : undefined);
    expect(nearestFirst(members, id(0), rtt, seededRng(2))).toEqual({
      peers: [id(3), id(1), id(2)],
      sameRegion: 0,
    });
  });
});

describe('send budget', () => {
  it('grants at most the rate per second, with a burst of one second, and refills with time', () => {
    const b = new SendBudget(100, 0);
    expect(b.take(150, 0)).toBe(100);
    expect(b.take(1, 0)).toBe(0);
    expect(b.take(100, 500)).toBe(50);
    expect(b.take(1000, 10_000)).toBe(100); // never more than one second's worth
  });

  it('over any window, grants never exceed rate * (window + 1 s)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 50 })), {
          maxLength: 200,
        }),
        (steps) => {
          const b = new SendBudget(20, 0);
          let t = 0;
          let granted = 0;
          for (const [dt, want] of steps) {
            t += dt;
            const g = b.take(want, t);
            expect(g).toBeLessThanOrEqual(want);
            granted += g;
          }
          expect(granted).toBeLessThanOrEqual(20 * (t / 1000 + 1));
        },
      ),
    );
  });
});
