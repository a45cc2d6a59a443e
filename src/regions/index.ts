/**
 * Region latency: a published world-wide round-trip matrix, one-way latency and a
 * nearest-region order.
 * @packageDocumentation
 */
export {
  isRegion,
  maxOneWayLatencyMs,
  nearestRegions,
  oneWayLatencyMs,
  parseRegion,
  rttMs,
  UnknownRegionError,
} from './latency.js';
export type { RegionCode } from './matrix.js';
export { INTRA_REGION_RTT_MS, MATRIX_SOURCE, matrixRttMs, REGION_INFO, REGIONS } from './matrix.js';
