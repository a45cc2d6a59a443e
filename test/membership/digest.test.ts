import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_BUCKETS,
  type DigestRecord,
  digestFromScratch,
  entryHash,
  foldDigests,
  idHash,
  MemberDigest,
} from '../../src/membership/digest.js';
import { chunkBuckets } from '../../src/membership/digest-exchange.js';
import type { MemberEntry, Message } from '../../src/membership/messages.js';
import type { MemberState } from '../../src/membership/messaging.js';
import type { ActorId } from '../../src/store/types.js';
import { actorIdArb, entryArb } from './arbitraries.js';
import { fakeId, makeCore } from './core-harness.js';

const stateArb = fc.constantFrom<MemberState>('alive', 'suspect', 'dead', 'left');

describe('digest bookkeeping', () => {
  it('the incremental digest equals the one recomputed from scratch after any add/update/remove sequence', () => {
    const op = fc.record({
      kind: fc.constantFrom('add', 'update', 'remove'),
      slot: fc.nat(15),
      incarnation: fc.nat(5),
      state: stateArb,
    });
    fc.assert(
      fc.property(fc.uniqueArray(actorIdArb, { minLength: 16, maxLength: 16 }), fc.array(op), (ids, ops) => {
        const d = new MemberDigest();
        const live = new Map<number, DigestRecord & { incarnation: number; state: MemberState }>();
        for (const o of ops) {
          const r = live.get(o.slot);
          if (o.kind === 'add' && !r) {
            const rec = { actorId: ids[o.slot] as string, incarnation: o.incarnation, state: o.state };
            live.set(o.slot, rec);
            d.add(rec);
          } else if (o.kind === 'update' && r) {
            r.incarnation = o.incarnation;
            r.state = o.state;
            d.update(r);
          } else if (o.kind === 'remove' && r) {
            live.delete(o.slot);
            d.remove(r);
          }
        }
        expect(Array.from(d.buckets)).toEqual(Array.from(digestFromScratch(live.values())));
      }),
      { numRuns: 300 },
    );
  });

  it('a core keeps its digest exact through every kind of member news, timers and pruning', () => {
    const ids = Array.from({ length: 8 }, (_, i) => fakeId(i + 1));
    const idArb = fc.constantFrom(...ids);
    const inc = fc.nat(4);
    const msgArb: fc.Arbitrary<Message> = fc.oneof(
      fc.record({
        type: fc.constant('alive' as const),
        id: idArb,
        addr: fc.constant('10.0.0.1:1'),
        incarnation: inc,
        meta: fc.constant({}),
      }),
      fc.record({ type: fc.constant('suspect' as const), id: idArb, incarnation: inc, from: idArb }),
      fc.record({ type: fc.constant('dead' as const), id: idArb, incarnation: inc, from: idArb }),
      fc.record({ type: fc.constant('left' as const), id: idArb, incarnation: inc }),
      fc.record({
        type: fc.constant('push-pull' as const),
        session: fc.nat(),
        chunk: fc.constant(1),
        join: fc.constant(false),
        reply: fc.constant(false),
        entries: fc.array(
          fc.record({
            id: fc.constantFrom(...ids),
            addr: fc.constant('10.0.0.2:1'),
            incarnation: inc,
            state: stateArb,
            meta: fc.constant({}),
          }),
          { maxLength: 4 },
        ),
      }),
    );
    // Claims about this node itself make it refute (its incarnation changes); timers run
    // suspicions out and prune dead members after the retention time.
    const self = fakeId(200);
    const step = fc.oneof(
      { weight: 6, arbitrary: msgArb.map((m) => ({ m })) },
      {
        weight: 1,
        arbitrary: inc.map((i) => ({ m: { type: 'suspect', id: self, incarnation: i, from: ids[0] } })),
      },
      { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 40_000 }).map((ms) => ({ ms })) },
      { weight: 1, arbitrary: fc.constant({ meta: true }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const h = makeCore({ deadRetentionMs: 20_000, pushPullIntervalMs: 5_000 });
        for (const s of steps) {
          if ('m' in s) h.deliver(ids[7] as ActorId, '10.0.0.9:1', [s.m as Message]);
          else if ('ms' in s) h.advance(s.ms);
          else h.core.setMeta({ v: String(h.core.incarnation) });
          const expected = digestFromScratch(h.core.table.all());
          expect(Array.from(h.core.table.digest.buckets)).toEqual(Array.from(expected));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('dead and left members count as absent; alive and suspect at one incarnation differ', () => {
    const h = idHash('ab'.repeat(16));
    expect(entryHash(h, 3, 'dead')).toBe(0);
    expect(entryHash(h, 3, 'left')).toBe(0);
    expect(entryHash(h, 3, 'alive')).not.toBe(entryHash(h, 3, 'suspect'));
    expect(entryHash(h, 3, 'alive')).not.toBe(entryHash(h, 4, 'alive'));
  });

  it('folding equals bucketing by the low bits from scratch', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(actorIdArb, { maxLength: 60 }),
        fc.integer({ min: 0, max: 10 }),
        (ids, bits) => {
          const recs = ids.map((id, i) => ({ actorId: id, incarnation: i, state: 'alive' as const }));
          const folded = foldDigests(digestFromScratch(recs), bits);
          const direct = new Uint32Array(1 << bits);
          for (const r of recs) {
            const ih = idHash(r.actorId);
            const b = ih & ((1 << bits) - 1);
            direct[b] = ((direct[b] as number) ^ entryHash(ih, r.incarnation, r.state)) >>> 0;
          }
          expect(Array.from(folded)).toEqual(Array.from(direct));
          expect(foldDigests(digestFromScratch(recs), 10)).toHaveLength(DIGEST_BUCKETS);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the bucket id hash spreads sequential ids evenly over the buckets', () => {
    // 16384 ids that differ in a few characters: every one of 64 buckets within 25% of the mean.
    const counts = new Array(64).fill(0);
    for (let i = 0; i < 16384; i++) counts[idHash(i.toString(16).padStart(32, '0')) & 63]++;
    expect(Math.min(...counts)).toBeGreaterThan(256 * 0.75);
    expect(Math.max(...counts)).toBeLessThan(256 * 1.25);
  });
});

describe('digest answer chunking', () => {
  it('lists each bucket once, in the chunk carrying its first entry, keeps every entry and the bounds', () => {
    const size = (e: MemberEntry) => 40 + e.addr.length;
    fc.assert(
      fc.property(
        fc.array(fc.array(entryArb, { maxLength: 30 }), { maxLength: 20 }),
        fc.integer({ min: 60, max: 1400 }),
        (groups, budget) => {
          const buckets = groups.map((_, i) => i * 3);
          const chunks = chunkBuckets(buckets, groups, budget, size);
          expect(chunks.flatMap((c) => c.buckets)).toEqual(buckets);
          expect(chunks.flatMap((c) => c.entries)).toEqual(groups.flat());
          for (const c of chunks) {
            const used = c.buckets.length * 2 + c.entries.reduce((s, e) => s + size(e), 0);
            // A chunk may only overflow when it holds a single item that alone is too large.
            if (c.entries.length > 1) {
              expect(used).toBeLessThanOrEqual(budget);
            }
            expect(c.entries.length).toBeLessThanOrEqual(512);
          }
          // Each bucket's first entry travels in the chunk that lists it.
          let k = 0;
          for (const c of chunks) {
            for (const b of c.buckets) {
              const first = groups[buckets.indexOf(b)]?.[0];
              if (first) expect(c.entries).toContain(first);
              k++;
            }
          }
          expect(k).toBe(buckets.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
