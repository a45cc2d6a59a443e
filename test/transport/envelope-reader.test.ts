import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeReader } from '../../src/transport/envelope-reader.js';
import { EnvelopeWriter } from '../../src/transport/envelope-writer.js';
import { decodeEnvelope, encodeEnvelope, packValue } from '../../src/transport/wire-codec.js';

const bytes = (b: Uint8Array) => Array.from(b);
const clusterArb = fc.string({ maxLength: 64, unit: 'grapheme' });
const messagesArb = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 24, size: 'max' });

/** What `read` found, as sender and message bytes. */
function spansToEnvelope(body: Uint8Array, spans: number[]) {
  const s = spans[0] as number;
  const messages: number[][] = [];
  for (let i = 1; i < spans.length; i += 2) messages.push(bytes(body.subarray(spans[i], spans[i + 1])));
  return { sender: bytes(body.subarray(s, s + 16)), messages };
}

describe('EnvelopeReader', () => {
  it('reads every body the writer writes, as decodeEnvelope does', () => {
    fc.assert(
      fc.property(
        clusterArb,
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        messagesArb,
        (cluster, sender, msgs) => {
          const body = Uint8Array.from(new EnvelopeWriter(cluster, sender).encode(msgs));
          const spans = new EnvelopeReader(cluster).read(body);
          expect(spans).toBeDefined();
          expect(spansToEnvelope(body, spans as number[])).toEqual({
            sender: bytes(sender),
            messages: msgs.map(bytes),
          });
          // Another cluster's body is left to decodeEnvelope (which rejects it).
          expect(new EnvelopeReader(`${cluster}x`).read(body)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('accepts only what decodeEnvelope accepts, with the same contents (mutated and foreign bodies)', () => {
    const bodyArb = fc.oneof(
      fc
        .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), messagesArb, fc.nat(), fc.nat(255), fc.nat(4))
        .map(([sender, msgs, at, value, cut]) => {
          const b = Uint8Array.from(encodeEnvelope('corro', sender, msgs));
          b[at % b.length] = value;
          // Also truncated bodies, and bodies with a trailing byte.
          if (cut === 0) return b.subarray(0, Math.max(0, b.length - 1));
          if (cut === 1) return Uint8Array.from([...b, 0]);
          return b;
        }),
      fc.uint8Array({ maxLength: 80 }),
      fc
        .tuple(fc.anything(), fc.anything())
        .map(([a, b]) => Uint8Array.from(packValue([1, 'corro', new Uint8Array(16), [a, b]]))),
    );
    const reader = new EnvelopeReader('corro');
    fc.assert(
      fc.property(bodyArb, (body) => {
        const spans = reader.read(body);
        if (!spans) return;
        const d = decodeEnvelope(body, 'corro');
        expect(d.ok).toBe(true);
        if (d.ok)
          expect(spansToEnvelope(body, spans)).toEqual({
            sender: bytes(d.envelope.sender),
            messages: d.envelope.messages.map(bytes),
          });
      }),
      { numRuns: 3000 },
    );
  });
});
