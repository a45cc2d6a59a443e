import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actorIdToBytes } from '../../src/membership/actor-id.js';
import { encodeMessage } from '../../src/membership/messages.js';
import { encodeEnvelope } from '../../src/transport/wire-codec.js';
import { messageArb } from './arbitraries.js';
import { type CoreHarness, fakeId, makeCore } from './core-harness.js';

// Fuzzing the ingress path: the unsealer, the envelope decoder and the message decoder must
// drop and count anything bad, never throw, and leave the node's state untouched.

function snapshot(h: CoreHarness): string {
  return JSON.stringify({
    members: h.core.members(),
    incarnation: h.core.incarnation,
    awareness: h.core.awareness.score,
    sent: h.sent.length,
    timers: h.timers.length,
    notes: h.notes.length,
  });
}

const dropped = (h: CoreHarness) => {
  const c = h.core.counters;
  return c.droppedAuth + c.droppedDecode + c.droppedWrongCluster + c.droppedInvalid;
};

function validPacket(h: CoreHarness, msgs: Parameters<typeof encodeMessage>[0][]): Uint8Array {
  return h.sealer.seal(encodeEnvelope('corro', actorIdToBytes(fakeId(1)), msgs.map(encodeMessage)));
}

describe('fuzz: ingress never throws and never changes state on bad input', () => {
  for (const plaintext of [false, true]) {
    const mode = plaintext ? 'plaintext' : 'sealed';

    it(`${mode}: random bytes are dropped and counted`, () => {
      const h = makeCore({}, { plaintext });
      h.addMembers(3);
      const before = snapshot(h);
      let n = 0;
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          n++;
          expect(() => h.core.handlePacket('10.9.9.9:1', bytes)).not.toThrow();
        }),
        { numRuns: 3000 },
      );
      // Random bytes essentially never form a valid packet; every one was dropped under one reason.
      expect(dropped(h)).toBe(n);
      expect(snapshot(h)).toBe(before);
    });

    it(`${mode}: random bytes after a valid header are dropped and counted`, () => {
      const h = makeCore({}, { plaintext });
      h.addMembers(3);
      const before = snapshot(h);
      const header = validPacket(h, [{ type: 'ack', seq: 1 }]).subarray(0, 2);
      let n = 0;
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
          n++;
          const p = new Uint8Array(2 + tail.length);
          p.set(header);
          p.set(tail, 2);
          expect(() => h.core.handlePacket('10.9.9.9:1', p)).not.toThrow();
        }),
        { numRuns: 3000 },
      );
      expect(dropped(h)).toBe(n);
      expect(snapshot(h)).toBe(before);
    });
  }

  it('sealed: every mutation of a valid packet fails authentication, state unchanged', () => {
    const h = makeCore();
    const [a] = h.addMembers(3);
    const before = snapshot(h);
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (msgs, pos, xor) => {
          const p = Uint8Array.from(validPacket(h, msgs));
          const i = pos % p.length;
          p[i] = (p[i] as number) ^ xor;
          const auth = h.core.counters.droppedAuth;
          expect(() => h.core.handlePacket('10.0.0.1:1', p)).not.toThrow();
          expect(h.core.counters.droppedAuth).toBe(auth + 1);
        },
      ),
      { numRuns: 2000 },
    );
    expect(snapshot(h)).toBe(before);
    expect(a).toBeDefined();
  });

  it('plaintext: mutated valid packets never throw; each is accepted or counted as dropped', () => {
    const h = makeCore({}, { plaintext: true });
    h.addMembers(3);
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (msgs, muts) => {
          const p = Uint8Array.from(validPacket(h, msgs));
          for (const [pos, xor] of muts) p[pos % p.length] = (p[pos % p.length] as number) ^ xor;
          const c = h.core.counters;
          const before = { in: c.packetsIn, drop: dropped(h), msgs: c.messagesIn };
          expect(() => h.core.handlePacket('10.0.0.1:1', p)).not.toThrow();
          expect(c.packetsIn).toBe(before.in + 1);
          expect(dropped(h) > before.drop || c.messagesIn > before.msgs).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('valid messages from any sender never throw (the state machine accepts all well-formed input)', () => {
    const h = makeCore({}, { plaintext: true });
    h.addMembers(3);
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 6 }), (msgs) => {
        expect(() => h.core.handlePacket('10.0.0.1:1', validPacket(h, msgs))).not.toThrow();
        expect(() => h.advance(700)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
