import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../src/broadcast/codec.js';
import type { ReplicationMsg } from '../../src/broadcast/messages.js';
import { WireCode } from '../../src/broadcast/wire-codes.js';
import type { ActorId, Changeset, HlcTimestamp, Version } from '../../src/store/types.js';

const hex = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: n, maxLength: n }).map((a) => a.join(''));
const actor = hex(32).map((s) => s as ActorId);
const version = fc.integer({ min: 1, max: 2 ** 40 });
const changeset: fc.Arbitrary<Changeset> = fc.record({
  actor,
  version: version.map((v) => v as Version),
  ts: fc.integer({ min: 0, max: 2 ** 52 }).map((t) => t as HlcTimestamp),
  changes: fc.array(
    fc.record({
      table: fc.string({ minLength: 1, maxLength: 20 }),
      doc: fc.string({ minLength: 1, maxLength: 20 }),
      data: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
    { maxLength: 4 },
  ),
});
const ranges = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 50 })), { maxLength: 4 })
  .map((rs) => rs.map(([a, d]) => [a, a + d] as const));
const state = fc.record({
  actor,
  books: fc.dictionary(
    hex(32),
    ranges.map((gaps) => ({ max: 2000, gaps })),
    { maxKeys: 4 },
  ),
});
const sid = fc.integer({ min: 0, max: 0xffffffff });

const message: fc.Arbitrary<ReplicationMsg> = fc.oneof(
  fc.record({ type: fc.constant(WireCode.Changeset), relay: fc.boolean(), changeset }),
  fc
    .tuple(fc.integer({ min: 1, max: 65_536 }), fc.nat(), changeset)
    .map(([slices, i, cs]) => ({ type: WireCode.Fanout, slice: i % slices, slices, changeset: cs })),
  fc.record({
    type: fc.constant(WireCode.Announce),
    actor,
    version,
    ts: fc.nat(),
    sizeBytes: fc.nat(),
  }),
  fc.record({
    type: fc.constant(WireCode.DepRequest),
    hashes: fc.array(hex(64), { minLength: 1, maxLength: 64 }),
  }),
  fc.record({
    type: fc.constant(WireCode.Signal),
    cid: hex(16),
    kind: fc.constantFrom('offer' as const, 'answer' as const),
    sdp: fc.string({ minLength: 1, maxLength: 300 }),
  }),
  fc.record({ type: fc.constantFrom(WireCode.SyncStart, WireCode.SyncState), sid, state }),
  fc.record({ type: fc.constantFrom(WireCode.SyncBusy, WireCode.SyncEnd), sid }),
  fc.record({
    type: fc.constant(WireCode.SyncPull),
    sid,
    needs: fc.dictionary(hex(32), ranges, { maxKeys: 4 }),
  }),
  fc.record({
    type: fc.constant(WireCode.SyncChangesets),
    sid,
    changesets: fc.array(changeset, { maxLength: 3 }),
    last: fc.boolean(),
  }),
) as fc.Arbitrary<ReplicationMsg>;

/** Normalises Buffers to plain Uint8Arrays so deep equality compares contents. */
function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return Array.from(x);
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

describe('replication wire codec', () => {
  it('a Fanout message takes at most 8 bytes more than the Changeset message (broadcaster room)', () => {
    fc.assert(
      fc.property(changeset, (cs) => {
        const plain = encodeMessage({ type: WireCode.Changeset, relay: true, changeset: cs }).length;
        const fanout = encodeMessage({ type: WireCode.Fanout, slice: 65_535, slices: 65_536, changeset: cs });
        expect(fanout.length - plain).toBeLessThanOrEqual(8);
      }),
      { numRuns: 50 },
    );
  });

  it('round-trips every message type', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(plain(decodeMessage(encodeMessage(m)))).toEqual(plain(m));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodeMessage(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid messages decode to a valid message or to undefined, never throw', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 0, max: 255 }), (m, pos, byte) => {
        const bytes = encodeMessage(m).slice();
        bytes[pos % bytes.length] = byte;
        const d = decodeMessage(bytes);
        if (d) expect(decodeMessage(encodeMessage(d))).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects truncated messages, unknown codes and out-of-bound fields', () => {
    const cs = encodeMessage({
      type: WireCode.Announce,
      actor: 'a'.repeat(32) as ActorId,
      version: 3,
      ts: 1,
      sizeBytes: 10,
    });
    expect(decodeMessage(cs)).toBeDefined();
    expect(decodeMessage(cs.subarray(0, cs.length - 1))).toBeUndefined();
    expect(decodeMessage(new Uint8Array([0x92, 99, 1]))).toBeUndefined();
    const badActor = { type: WireCode.Announce, actor: 'A'.repeat(32), version: 3, ts: 1, sizeBytes: 1 };
    expect(decodeMessage(encodeMessage(badActor as never))).toBeUndefined();
    const badVersion = { type: WireCode.Announce, actor: 'a'.repeat(32), version: 0, ts: 1, sizeBytes: 1 };
    expect(decodeMessage(encodeMessage(badVersion as never))).toBeUndefined();
    const tooMany = { type: WireCode.DepRequest, hashes: Array(65).fill('f'.repeat(64)) };
    expect(decodeMessage(encodeMessage(tooMany as never))).toBeUndefined();
    const gapBeyondMax = {
      type: WireCode.SyncStart,
      sid: 1,
      state: { actor: 'a'.repeat(32), books: { ['b'.repeat(32)]: { max: 5, gaps: [[4, 9]] } } },
    };
    expect(decodeMessage(encodeMessage(gapBeyondMax as never))).toBeUndefined();
    const cs1 = { actor: 'a'.repeat(32), version: 1, ts: 1, changes: [] };
    const fanout = (slice: number, slices: number) =>
      encodeMessage({ type: WireCode.Fanout, slice, slices, changeset: cs1 } as never);
    expect(decodeMessage(fanout(3, 4))).toBeDefined();
    expect(decodeMessage(fanout(4, 4))).toBeUndefined(); // slice beyond the slices
    expect(decodeMessage(fanout(0, 0))).toBeUndefined();
    expect(decodeMessage(fanout(0, 65_537))).toBeUndefined();
  });
});
