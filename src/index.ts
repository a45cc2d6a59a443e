/**
 * corro: replicated SQLite tables for a fleet, with no central database.
 *
 * @example
 * ```ts
 * import { Agent } from 'corro';
 *
 * // On every host (copy <dataDir>/cluster.key from the first host to the others):
 * const agent = await Agent.start({
 *   dataDir: '/var/lib/corro',
 *   schema: 'CREATE TABLE services (name TEXT NOT NULL PRIMARY KEY, addr TEXT)',
 *   gossip: { addr: '10.0.0.5:7878', bootstrap: ['10.0.0.4:7878'] },
 * });
 * agent.exec('INSERT INTO services (name, addr) VALUES (?, ?)', ['api', '10.0.0.5:8080']);
 * agent.on('commit', (e) => console.log(e.source, e.tables));
 * console.log(agent.query('SELECT * FROM services'), agent.members().length);
 * await agent.close();
 *
 * // The store alone (no network):
 * import { Store } from 'corro';
 * const schema = 'CREATE TABLE services (name TEXT NOT NULL PRIMARY KEY, host TEXT, port INTEGER)';
 * const a = Store.open({ path: 'a.db', schema });
 * const b = Store.open({ path: ':memory:', schema });
 * const cs = a.exec('INSERT INTO services VALUES (?, ?, ?)', ['api', 'host-a', 8080]);
 * if (cs) b.apply([cs]); // any order, duplicates allowed
 * b.query('SELECT * FROM services'); // [{ name: 'api', host: 'host-a', port: 8080 }]
 * ```
 * @packageDocumentation
 */

// ---- replication and the Agent ----
export {
  Agent,
  type AgentEvents,
  type AgentMetrics,
  type CreateAgentOptions,
  type LagSummary,
} from './agent/agent.js';
export type { AgentChannelConfig, AgentConfig, AgentGossipConfig } from './agent/agent-config.js';
export { AgentClosedError, AgentConfigError } from './agent/errors.js';
export { Replication, type ReplicationDeps, type SignalledChannelFactory } from './agent/replication.js';
export {
  DEFAULT_REPLICATION_CONFIG,
  type ReplicationConfig,
  ReplicationConfigError,
  resolveReplicationConfig,
} from './agent/replication-config.js';
export { decodeMessage, encodeMessage, WIRE_LIMITS } from './broadcast/codec.js';
export type { ChannelMsg, GossipMsg, ReplicationMsg } from './broadcast/messages.js';
export { LagStats, ReplicationMetrics } from './broadcast/metrics.js';
export type { ReplicaStore } from './broadcast/replica-store.js';
export { WireCode } from './broadcast/wire-codes.js';
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
export type { AgentAdapterOptions } from './sim/adapters/agent-adapter.js';
export { agentProtocol, SIM_SCHEMA } from './sim/adapters/agent-adapter.js';
export { PROTOCOLS, protocolNames } from './sim/adapters/index.js';
export type { MembershipAdapterOptions } from './sim/adapters/membership-adapter.js';
export { membershipProtocol } from './sim/adapters/membership-adapter.js';
export type { Checker, CheckInput, CheckResult } from './sim/checkers/index.js';
export { ALL_CHECKERS } from './sim/checkers/index.js';
export { SimConfigError } from './sim/errors.js';
export type { NetworkConfig } from './sim/network-config.js';
export { DEFAULT_NETWORK, networkConfig } from './sim/network-config.js';
export type {
  SimMemberState,
  SimNode,
  SimNodeContext,
  SimProtocol,
  SimQueueSize,
  SimReporter,
  SimWorld,
} from './sim/protocol.js';
export type { SimResults } from './sim/results.js';
export type { Scenario, ScenarioEvent } from './sim/scenario.js';
export { parseScenarioJson, validateScenario } from './sim/scenario.js';
export type { ScenarioName } from './sim/scenarios.js';
export { buildScenario, SCENARIO_NAMES } from './sim/scenarios.js';
export { nodeAddr, SimNetwork } from './sim/sim-network.js';
export type { SimulateOptions, SimulateOutput } from './sim/simulate.js';
export { simulate } from './sim/simulate.js';
export type { SimOptions } from './sim/simulation.js';
export { runSimulation } from './sim/simulation.js';
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
export type { Channel, ChannelFactory } from './transport/channel.js';
export {
  DataChannelFactory,
  type DataChannelOptions,
  releaseDataChannels,
} from './transport/channel-datachannel.js';
export { MemoryChannelNetwork, type MemoryChannelNetworkOptions } from './transport/channel-memory.js';
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
