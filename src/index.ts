/**
 * corro: replicated SQLite tables for a fleet, with no central database.
 *
 * @example
 * ```ts
 * // (usage example is completed as the public API lands)
 * ```
 * @packageDocumentation
 */

export type { RegionCode } from './regions/index.js';
export {
  MATRIX_SOURCE,
  maxOneWayLatencyMs,
  nearestRegions,
  oneWayLatencyMs,
  REGION_INFO,
  REGIONS,
  rttMs,
  UnknownRegionError,
} from './regions/index.js';
export type { Clock } from './runtime/clock.js';
export { realRuntime } from './runtime/real-runtime.js';
export type { Rng } from './runtime/rng.js';
export { seededRng } from './runtime/rng.js';
export type { Runtime } from './runtime/runtime.js';
export type { Scheduler, TimerHandle } from './runtime/scheduler.js';
export { VirtualScheduler } from './runtime/virtual-scheduler.js';
export type { Transport } from './transport/transport.js';
