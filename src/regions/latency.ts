import type { RegionCode } from './matrix.js';
import { matrixRttMs, REGIONS } from './matrix.js';

/** Thrown when a region code is not one of the matrix's {@link REGIONS}. */
export class UnknownRegionError extends Error {
  constructor(code: string) {
    super(`unknown region "${code}": use one of ${REGIONS.join(', ')}`);
    this.name = 'UnknownRegionError';
  }
}

/** True when `code` is a region of the built-in matrix. */
export function isRegion(code: string): code is RegionCode {
  return (REGIONS as readonly string[]).includes(code);
}

/** Returns `code` as a {@link RegionCode}, or throws {@link UnknownRegionError}. */
export function parseRegion(code: string): RegionCode {
  if (!isRegion(code)) throw new UnknownRegionError(code);
  return code;
}

/** Round-trip time from `from` to `to` in ms, from the published matrix. */
export function rttMs(from: string, to: string): number {
  return matrixRttMs(parseRegion(from), parseRegion(to));
}

/**
 * One-way latency from `from` to `to` in ms: half the published round trip in that
 * direction (the source measures round trips only, so a path is assumed symmetric in time).
 */
export function oneWayLatencyMs(from: string, to: string): number {
  return rttMs(from, to) / 2;
}

/**
 * Regions ordered by round trip from `from`, nearest first, `from` itself first. Ties break
 * by region code so the order is stable. `among` restricts the answer (for example to the
 * regions an app runs in); unknown codes in it throw {@link UnknownRegionError}.
 */
export function nearestRegions(from: string, among: readonly string[] = REGIONS): RegionCode[] {
  const origin = parseRegion(from);
  const candidates = [...new Set(among.map(parseRegion))];
  return candidates.sort((a, b) => {
    const d = matrixRttMs(origin, a) - matrixRttMs(origin, b);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The largest one-way latency from `from` to any of `to`, in ms (a propagation lower bound). */
export function maxOneWayLatencyMs(from: string, to: readonly string[]): number {
  let max = 0;
  for (const r of to) max = Math.max(max, oneWayLatencyMs(from, r));
  return max;
}
