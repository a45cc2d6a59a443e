/**
 * corro: replicated SQLite tables for a fleet, with no central database.
 *
 * @example
 * ```ts
 * import { Store } from 'corro';
 *
 * const schema = 'CREATE TABLE services (name TEXT NOT NULL PRIMARY KEY, host TEXT, port INTEGER)';
 * const a = Store.open({ path: 'a.db', schema });
 * const b = Store.open({ path: ':memory:', schema });
 * const cs = a.exec('INSERT INTO services VALUES (?, ?, ?)', ['api', 'host-a', 8080]);
 * if (cs) b.apply([cs]); // any order, duplicates allowed
 * b.query('SELECT * FROM services'); // [{ name: 'api', host: 'host-a', port: 8080 }]
 * ```
 * @packageDocumentation
 */

// Live subscriptions, the HTTP API (Corrosion-compatible v1 subset), its client, the TOML config (issue 6).
export {
  ConfigError,
  type CorroConfig,
  envName,
  FIELDS,
  loadConfig,
  parseConfig,
  readSchemaFiles,
} from './config/index.js';
export type {
  ApiBackend,
  ApiMember,
  ApiStatement,
  HealthInfo,
  QueryCursor,
  SubscriptionStream,
  TransactionOutcome,
} from './http/backend.js';
export { ApiClientError, CorroClient, type EventStream, type ExecResponse } from './http/client.js';
export { ApiError, BadRequestError, GoneError, NotFoundError, StatementError } from './http/errors.js';
export { API_DEFAULTS, type ApiServerOptions, type HealthThresholds } from './http/options.js';
export { type ApiServer, startApiServer } from './http/server.js';
export { type ClusterView, StoreBackend, type StoreBackendOptions } from './http/store-backend.js';
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
export {
  ResumeFromFutureError,
  ResumeTooOldError,
  SubscriptionNotFoundError,
  SubscriptionSqlError,
  TooManySubscriptionsError,
} from './subscriptions/errors.js';
export {
  SUBSCRIPTION_DEFAULTS,
  type Subscription,
  SubscriptionManager,
  type SubscriptionSource,
} from './subscriptions/manager.js';
export { openReadConnection, storeSubscriptionSource } from './subscriptions/store-source.js';
export type { ChangeType, QueryEvent, SubscribeOptions, SubscriptionLimits } from './subscriptions/types.js';
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
