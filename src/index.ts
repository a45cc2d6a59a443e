/**
 * corro: replicated SQLite tables for a fleet, with no central database.
 *
 * @example
 * ```ts
 * // (usage example is completed as the public API lands)
 * ```
 * @packageDocumentation
 */

// Service discovery: the `.internal` DNS responder and placement over the fleet tables.
export type {
  DnsOptions,
  DnsServer,
  DnsServerConfig,
  DnsStats,
  DnsTcpOptions,
  FleetQuery,
  HostLiveness,
  MachineRow,
  MachineState,
  RegionLatency,
} from './dns/index.js';
export {
  DNS_DEFAULTS,
  DnsBindError,
  DnsConfigError,
  DnsResponder,
  FLEET_SCHEMA_SQL,
  livenessFromMembers,
  startDnsServer,
} from './dns/index.js';
export type { HostCandidate, PlacementDeps, PlacementRequest } from './placement/index.js';
export { findHost, HOSTS_THAT_FIT_SQL, PlacementRequestError, rankHosts } from './placement/index.js';
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
