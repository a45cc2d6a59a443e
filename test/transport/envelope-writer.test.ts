import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeWriter } from '../../src/transport/envelope-writer.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/transport/wire-codec.js';

const bytes = (b: Uint8Array) => Array.from(b);

describe('EnvelopeWriter', () => {
  it('writes exactly the bytes encodeEnvelope writes', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 64, unit: 'grapheme' }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40, size: 'max' }),
        (cluster, sender, messages) => {
          const got = new EnvelopeWriter(cluster, sender).encode(messages);
          expect(bytes(got)).toEqual(bytes(encodeEnvelope(cluster, sender, messages)));
          const d = decodeEnvelope(got, cluster);
          expect(d.ok && d.envelope.messages.map(bytes)).toEqual(messages.map(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('uses the wide headers past 65535 bytes or messages, as msgpackr does', () => {
    const sender = new Uint8Array(16).fill(7);
    const w = new EnvelopeWriter('corro', sender);
    for (const messages of [
      [new Uint8Array(70_000).fill(3), new Uint8Array(65_535), new Uint8Array(256)],
      new Array(65_536).fill(new Uint8Array(1)),
    ]) {
      expect(
        Buffer.from(w.encode(messages)).equals(Buffer.from(encodeEnvelope('corro', sender, messages))),
      ).toBe(true);
    }
  });
});
