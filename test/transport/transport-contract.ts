import { afterEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../src/transport/transport.js';

/**
 * What every {@link Transport} must do. A harness creates bound transports and lets time pass
 * (virtual for the in-memory network, real for UDP) until a condition holds.
 */
export interface TransportHarness {
  /** Binds a new transport on a free address. */
  bind(): Promise<Transport>;
  /** Lets packets flow until `cond()` holds or the bound passes; returns `cond()`. */
  waitFor(cond: () => boolean): Promise<boolean>;
  /** Lets packets flow for a while (for asserting that nothing arrives). */
  settle(): Promise<void>;
  /** An address nobody listens on. */
  unboundAddr: string;
}

/** Registers the shared contract tests for one transport implementation. */
export function transportContract(name: string, makeHarness: () => TransportHarness): void {
  describe(`Transport contract: ${name}`, () => {
    const open: Transport[] = [];
    let h: TransportHarness;
    const bind = async (): Promise<Transport> => {
      const t = await h.bind();
      open.push(t);
      return t;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()));
    });
    h = makeHarness();

    it('reports a host:port local address, distinct per transport', async () => {
      const a = await bind();
      const b = await bind();
      expect(a.localAddr).toMatch(/:\d+$/);
      expect(a.localAddr).not.toBe(b.localAddr);
    });

    it('delivers a packet intact with the sender address', async () => {
      const a = await bind();
      const b = await bind();
      const got: [string, Uint8Array][] = [];
      b.onPacket((from, p) => got.push([from, Uint8Array.from(p)]));
      const payload = Uint8Array.from({ length: 1400 }, (_, i) => i % 251);
      a.send(b.localAddr, payload);
      expect(await h.waitFor(() => got.length === 1)).toBe(true);
      expect(got[0]![0]).toBe(a.localAddr);
      expect(got[0]![1]).toEqual(payload);
    });

    it('replies reach the sender at its reported address', async () => {
      const a = await bind();
      const b = await bind();
      const atA: Uint8Array[] = [];
      a.onPacket((_f, p) => atA.push(Uint8Array.from(p)));
      b.onPacket((from, p) => b.send(from, Uint8Array.from([...p, 9])));
      a.send(b.localAddr, Uint8Array.from([1, 2]));
      expect(await h.waitFor(() => atA.length === 1)).toBe(true);
      expect(atA[0]).toEqual(Uint8Array.from([1, 2, 9]));
    });

    it('a later onPacket replaces the earlier handler', async () => {
      const a = await bind();
      const b = await bind();
      let first = 0;
      let second = 0;
      b.onPacket(() => first++);
      b.onPacket(() => second++);
      a.send(b.localAddr, Uint8Array.from([1]));
      expect(await h.waitFor(() => second === 1)).toBe(true);
      expect(first).toBe(0);
    });

    it('sending to an unbound or malformed address does not throw', async () => {
      const a = await bind();
      expect(() => a.send(h.unboundAddr, Uint8Array.from([1]))).not.toThrow();
      expect(() => a.send('not an address', Uint8Array.from([1]))).not.toThrow();
      await h.settle();
    });

    it('after close nothing is delivered or sent, and close is idempotent', async () => {
      const a = await bind();
      const b = await bind();
      let got = 0;
      b.onPacket(() => got++);
      await b.close();
      await b.close();
      a.send(b.localAddr, Uint8Array.from([1]));
      await a.close();
      expect(() => a.send(b.localAddr, Uint8Array.from([1]))).not.toThrow();
      await h.settle();
      expect(got).toBe(0);
    });

    it('many packets in a burst all arrive (no loss configured, loopback)', async () => {
      const a = await bind();
      const b = await bind();
      const seen = new Set<number>();
      b.onPacket((_f, p) => seen.add(p[0]! * 256 + p[1]!));
      for (let i = 0; i < 200; i++) a.send(b.localAddr, Uint8Array.from([i >> 8, i & 255]));
      expect(await h.waitFor(() => seen.size === 200)).toBe(true);
    });
  });
}
