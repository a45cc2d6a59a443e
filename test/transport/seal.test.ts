import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Keyring, KeyringError } from '../../src/transport/keyring.js';
import { SEAL_OVERHEAD_BYTES, Sealer } from '../../src/transport/seal.js';

const k1 = new Uint8Array(32).fill(1);
const k2 = new Uint8Array(32).fill(2);
const k3 = new Uint8Array(32).fill(3);

describe('Sealer (AES-256-GCM, cluster name as AAD)', () => {
  it('round-trips any body and adds exactly the documented overhead', () => {
    const s = new Sealer('corro', new Keyring(k1));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (body) => {
        const sealed = s.seal(body);
        expect(sealed.length).toBe(body.length + SEAL_OVERHEAD_BYTES);
        const o = s.open(sealed);
        expect(o.ok && Buffer.from(o.body).equals(Buffer.from(body))).toBe(true);
      }),
    );
  });

  it('rejects another key, another cluster name, plaintext and any flipped bit', () => {
    const s = new Sealer('corro', new Keyring(k1));
    const sealed = s.seal(Uint8Array.from([1, 2, 3, 4]));
    expect(new Sealer('corro', new Keyring(k2)).open(sealed)).toEqual({ ok: false, reason: 'auth' });
    expect(new Sealer('other', new Keyring(k1)).open(sealed)).toEqual({ ok: false, reason: 'auth' });
    expect(new Sealer('corro', undefined).open(sealed)).toEqual({ ok: false, reason: 'mode' });
    expect(s.open(new Sealer('corro', undefined).seal(Uint8Array.from([1])))).toEqual({
      ok: false,
      reason: 'mode',
    });
    for (let i = 0; i < sealed.length; i++) {
      for (const bit of [0, 7]) {
        const bad = Uint8Array.from(sealed);
        bad[i] = (bad[i] as number) ^ (1 << bit);
        expect(s.open(bad).ok).toBe(false);
      }
    }
  });

  it('never throws on random input', () => {
    const s = new Sealer('corro', new Keyring(k1, [k2]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(s.open(bytes).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('uses fresh nonces: sealing the same body twice differs', () => {
    const s = new Sealer('corro', new Keyring(k1));
    const body = Uint8Array.from([5, 5, 5]);
    expect(Buffer.from(s.seal(body)).equals(Buffer.from(s.seal(body)))).toBe(false);
  });
});

describe('Keyring rotation', () => {
  it('install, use, remove: old and new packets open during the overlap only', () => {
    const ringA = new Keyring(k1);
    const ringB = new Keyring(k1);
    const a = new Sealer('c', ringA);
    const b = new Sealer('c', ringB);
    ringB.install(k2);
    expect(b.open(a.seal(Uint8Array.from([1]))).ok).toBe(true);
    ringB.use(k2);
    // A does not know k2 yet: B's new packets are rejected until A installs it.
    expect(a.open(b.seal(Uint8Array.from([1]))).ok).toBe(false);
    ringA.install(k2);
    expect(a.open(b.seal(Uint8Array.from([1]))).ok).toBe(true);
    ringA.use(k2);
    ringA.remove(k1);
    ringB.remove(k1);
    expect(ringA.all).toHaveLength(1);
    expect(new Sealer('c', new Keyring(k1)).open(a.seal(Uint8Array.from([1]))).ok).toBe(false);
  });

  it('rejects misuse with named errors and leaves the ring unchanged', () => {
    const r = new Keyring(k1, [k2]);
    expect(() => r.remove(k1)).toThrow(KeyringError);
    expect(() => r.install(new Uint8Array(16))).toThrow(/32 bytes/);
    expect(() => Keyring.from([])).toThrow(KeyringError);
    expect(r.all).toHaveLength(2);
    r.install(k2);
    expect(r.all).toHaveLength(2);
    for (let i = 0; i < Keyring.maxKeys - 2; i++) r.install(new Uint8Array(32).fill(10 + i));
    expect(() => r.install(k3)).toThrow(/at most/);
    r.use(k2);
    expect(r.primary).toEqual(k2);
  });
});
