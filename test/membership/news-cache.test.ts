import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../src/membership/messages.js';
import { cachedNewsCount, newsKey } from '../../src/membership/news-cache.js';
import { packValue } from '../../src/transport/wire-codec.js';
import { messageArb } from './arbitraries.js';

const id = 'ab'.repeat(16) as never;

describe('decoded member news cache', () => {
  it('keys member news only (alive, suspect, dead, left)', () => {
    expect(
      newsKey(encodeMessage({ type: 'alive', id, addr: '1.2.3.4:5', incarnation: 1, meta: {} })),
    ).toBeDefined();
    expect(newsKey(encodeMessage({ type: 'suspect', id, incarnation: 1, from: id }))).toBeDefined();
    expect(newsKey(encodeMessage({ type: 'dead', id, incarnation: 1, from: id }))).toBeDefined();
    expect(newsKey(encodeMessage({ type: 'left', id, incarnation: 1 }))).toBeDefined();
    expect(newsKey(encodeMessage({ type: 'ping', seq: 1, target: id }))).toBeUndefined();
    expect(newsKey(encodeMessage({ type: 'ack', seq: 1 }))).toBeUndefined();
    expect(newsKey(packValue({ 5: 1 }))).toBeUndefined();
  });

  it('serves a repeated decode from the cache: the same message object', () => {
    const bytes = encodeMessage({ type: 'alive', id, addr: '9.9.9.9:1', incarnation: 77, meta: { r: 'x' } });
    const before = cachedNewsCount();
    const a = decodeMessage(bytes, 512);
    expect(cachedNewsCount()).toBe(before + 1);
    const b = decodeMessage(Uint8Array.from(bytes), 512);
    expect(a.ok && b.ok && a.message === b.message).toBe(true);
    expect(cachedNewsCount()).toBe(before + 1);
  });

  it('validates again under another metadata bound', () => {
    const m = encodeMessage({
      type: 'alive',
      id,
      addr: '1.2.3.4:5',
      incarnation: 3,
      meta: { k: 'x'.repeat(600) },
    });
    expect(decodeMessage(m, 1024).ok).toBe(true);
    expect(decodeMessage(m, 512)).toEqual({ ok: false, reason: 'invalid' });
    expect(decodeMessage(m, 1024).ok).toBe(true);
  });

  it('a cached decode equals a fresh one, for valid and mutated messages', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.nat(255), (m, at, value) => {
        const bytes = encodeMessage(m);
        const mutated = Uint8Array.from(bytes);
        mutated[at % mutated.length] = value;
        for (const b of [bytes, mutated]) {
          // Copies of one type: payloads are views of the input, so the same type compares equal.
          const first = decodeMessage(Uint8Array.from(b), 64);
          expect(decodeMessage(Uint8Array.from(b), 64)).toEqual(first);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
