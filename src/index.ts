/**
 * corro: replicated SQLite tables for a fleet, with no central database.
 *
 * @example
 * ```ts
 * // (usage example is completed as the public API lands)
 * ```
 * @packageDocumentation
 */

export {
  LIFEGUARD_OFF,
  type MembershipConfig,
  MembershipConfigError,
  PRESETS,
  type PresetName,
  resolveConfig,
} from './membership/config.js';
export type { MemberChange } from './membership/core.js';
export { MembershipUsageError } from './membership/errors.js';
export {
  type ChangeListener,
  type CreateMembershipOptions,
  createMembership,
  Membership,
  type MembershipIdentityOptions,
  type StartMembershipOptions,
} from './membership/membership.js';
export type { MemberInfo, MemberState, MembershipMessaging } from './membership/messaging.js';
export type { MembershipCounters, MembershipMetrics } from './membership/metrics.js';
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
export { AddressError } from './transport/address.js';
export { Keyring, KeyringError } from './transport/keyring.js';
export {
  type AddrCounters,
  AddressInUseError,
  type LinkConditions,
  MemoryNetwork,
  type MemoryNetworkOptions,
  MemoryTransport,
} from './transport/memory-network.js';
export type { Transport } from './transport/transport.js';
export { type UdpCounters, UdpTransport } from './transport/udp-transport.js';
