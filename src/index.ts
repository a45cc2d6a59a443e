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
export { missingRanges, VersionBook } from './store/books.js';
export {
  CHANGESET_FORMAT,
  decodeChangeset,
  encodeChangeset,
  isActorId,
  MAX_CHANGES_PER_CHANGESET,
  MAX_CHANGESET_BYTES,
  validateChangeset,
} from './store/changeset-codec.js';
export {
  ActorIdMismatchError,
  ChangesetDecodeError,
  InvalidChangesetError,
  MigrationError,
  SchemaError,
  StoreClosedError,
  StoreError,
  StoreUsageError,
} from './store/errors.js';
export { HybridClock, hlcReceive, hlcSend, packHlc, unpackHlc } from './store/hlc.js';
export { Store } from './store/store.js';
export type {
  ChangesetLimit,
  ExecResult,
  StoreOptions,
  StoreStats,
  StoreTx,
  TableDescription,
} from './store/store-options.js';
export type {
  ActorBook,
  ActorId,
  ApplyResult,
  Changeset,
  CommitEvent,
  DocChange,
  HlcTimestamp,
  Needs,
  SqlParams,
  SyncState,
  Version,
  VersionRange,
} from './store/types.js';
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
