import { describe, expect, it } from 'vitest';
import {
  isRegion,
  matrixRttMs,
  maxOneWayLatencyMs,
  nearestRegions,
  oneWayLatencyMs,
  REGIONS,
  rttMs,
  UnknownRegionError,
} from '../../src/regions/index.js';

describe('region matrix', () => {
  it('holds the published figures (spot checks against the source table)', () => {
    expect(rttMs('iad', 'sjc')).toBe(72.74);
    expect(rttMs('dub', 'fra')).toBe(19.56);
    expect(rttMs('sin', 'fra')).toBe(325.9);
    expect(rttMs('gru', 'syd')).toBe(322.5);
  });

  it('is positive everywhere and nearly symmetric (published directions differ by < 3%)', () => {
    for (const a of REGIONS) {
      for (const b of REGIONS) {
        const ab = matrixRttMs(a, b);
        const ba = matrixRttMs(b, a);
        expect(ab).toBeGreaterThan(0);
        expect(Math.abs(ab - ba) / Math.max(ab, ba)).toBeLessThan(0.03);
      }
    }
  });

  it('gives one-way latency as half the round trip', () => {
    expect(oneWayLatencyMs('nrt', 'icn')).toBeCloseTo(31.44 / 2, 10);
    expect(oneWayLatencyMs('fra', 'fra')).toBe(1);
  });

  it('orders regions nearest first, self first, stable on ties', () => {
    const order = nearestRegions('fra');
    expect(order[0]).toBe('fra');
    expect(order[1]).toBe('dub');
    expect(order[2]).toBe('iad');
    expect(order).toHaveLength(REGIONS.length);
    expect(nearestRegions('nrt', ['syd', 'icn', 'sin'])).toEqual(['icn', 'sin', 'syd']);
  });

  it('rejects unknown regions with a named error that lists the valid ones', () => {
    expect(isRegion('xyz')).toBe(false);
    expect(() => rttMs('xyz', 'iad')).toThrow(UnknownRegionError);
    expect(() => nearestRegions('iad', ['mars'])).toThrow(/use one of iad/);
  });

  it('gives the largest one-way latency to a set (propagation lower bound)', () => {
    expect(maxOneWayLatencyMs('iad', ['iad', 'sjc', 'syd'])).toBe(115);
  });
});
