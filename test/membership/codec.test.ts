import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, MessageCode } from '../../src/membership/messages.js';
import { decodeEnvelope, encodeEnvelope, packValue } from '../../src/transport/wire-codec.js';
import { messageArb } from './arbitraries.js';

function normalise(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x) =>
      x instanceof Uint8Array || (x && x.type === 'Buffer') ? Array.from(x.data ?? x) : x,
    ),
  );
}

describe('membership message codec', () => {
  it('round-trips every message type', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const d = decodeMessage(encodeMessage(m), 512);
        expect(d.ok).toBe(true);
        if (d.ok) expect(normalise(d.message)).toEqual(normalise(m));
      }),
      { numRuns: 2000 },
    );
  });

  it('type codes are the documented, append-only numbers', () => {
    expect(MessageCode).toEqual({
      Ping: 1,
      PingReq: 2,
      Ack: 3,
      Nack: 4,
      Alive: 5,
      Suspect: 6,
      Dead: 7,
      Left: 8,
      PushPull: 9,
      UserBroadcast: 10,
      UserDirect: 11,
      Digest: 12,
      DigestEntries: 13,
    });
    expect(Array.from(encodeMessage({ type: 'ack', seq: 7 }))).toEqual([0x92, 3, 7]);
  });

  it('rejects wrong shapes as invalid and garbage as decode errors, never throwing', () => {
    const id = new Uint8Array(16);
    const invalid = [
      [99, 1],
      [1, -1, id],
      [1, 1.5, id],
      [1, 1, new Uint8Array(15)],
      [3],
      [3, 1, 2],
      [5, id, 'no-port', 1, {}],
      [5, id, '1.2.3.4:5', 1, { a: 1 }],
      [9, 1, 0, true, false, [[id, '1.2.3.4:5', 1, 9, {}]]],
      [10, id, 1, 'not bytes'],
      // digest: bucketBits above 10, empty or ragged digests, a range past the bucket count,
      // more than 256 digests.
      [12, 1, 11, 0, new Uint8Array(4)],
      [12, 1, 3, 0, new Uint8Array(0)],
      [12, 1, 3, 0, new Uint8Array(6)],
      [12, 1, 3, 7, new Uint8Array(8)],
      [12, 1, 10, 0, new Uint8Array(4 * 257)],
      [12, 1, 3, 0, [1, 2]],
      // digest-entries: a bucket outside 2^bits, a ragged bucket list, too many buckets, a bad entry.
      [13, 1, 2, true, Uint8Array.from([0, 4]), []],
      [13, 1, 2, true, new Uint8Array(3), []],
      [13, 1, 10, true, new Uint8Array(2 * 1025), []],
      [13, 1, 2, false, new Uint8Array(2), [[id, '1.2.3.4:5', 1, 9, {}]]],
      [13, 1, 2, 'yes', new Uint8Array(2), []],
    ];
    for (const t of invalid)
      expect(decodeMessage(packValue(t), 512)).toEqual({ ok: false, reason: 'invalid' });
    expect(decodeMessage(Uint8Array.from([0xc1]), 512)).toEqual({ ok: false, reason: 'decode' });
    expect(decodeMessage(packValue({ a: 1 }), 512)).toEqual({ ok: false, reason: 'decode' });
    expect(decodeMessage(packValue([]), 512)).toEqual({ ok: false, reason: 'decode' });
  });

  it('enforces the metadata bound', () => {
    const m = encodeMessage({
      type: 'alive',
      id: 'a'.repeat(32) as never,
      addr: '1.2.3.4:5',
      incarnation: 1,
      meta: { k: 'x'.repeat(600) },
    });
    expect(decodeMessage(m, 512).ok).toBe(false);
    expect(decodeMessage(m, 1024).ok).toBe(true);
  });

  it('envelopes carry version and cluster; others are rejected', () => {
    const sender = new Uint8Array(16).fill(1);
    const body = encodeEnvelope('corro', sender, [encodeMessage({ type: 'ack', seq: 1 })]);
    const ok = decodeEnvelope(body, 'corro');
    expect(ok.ok && ok.envelope.messages.length).toBe(1);
    expect(decodeEnvelope(body, 'other')).toEqual({ ok: false, reason: 'cluster' });
    expect(decodeEnvelope(packValue([2, 'corro', sender, []]), 'corro')).toEqual({
      ok: false,
      reason: 'version',
    });
    expect(
      decodeEnvelope(packValue([1, 'corro', sender, new Array(257).fill(new Uint8Array(1))]), 'corro').ok,
    ).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(() => decodeEnvelope(b, 'corro')).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
