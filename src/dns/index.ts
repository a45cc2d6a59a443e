/**
 * The `.internal` service-discovery DNS responder: answers from the local copy of the fleet
 * tables (`examples/fleet-schema.sql`). Names and TTLs are described in `docs/discovery.md`.
 * @packageDocumentation
 */
export type { AnswerRecord, Lookup, LookupContext, RegionLatency } from './answer.js';
export { lookup, nearestMachines, safeLatency, sameRegionFirst } from './answer.js';
export type { DnsOptions, DnsTcpOptions } from './dns-config.js';
export { DNS_DEFAULTS, DnsConfigError, resolveDnsOptions } from './dns-config.js';
export type { DnsSectionOptions } from './dns-section.js';
export { DNS_SECTION_KEYS, dnsOptionsFromSection } from './dns-section.js';
export type { DnsServer, DnsServerConfig } from './dns-server.js';
export { DnsBindError, parseAddr, startDnsServer } from './dns-server.js';
export type { DnsStats } from './dns-stats.js';
export { newDnsStats } from './dns-stats.js';
export type { FleetQuery, HostLiveness, Row } from './fleet-reader.js';
export { FleetReader, livenessFromMembers } from './fleet-reader.js';
export type { HostState, MachineRow, MachineState } from './fleet-schema.js';
export { FLEET_SCHEMA_SQL } from './fleet-schema.js';
export type { DnsName } from './names.js';
export { canonicalName, parseName, RESERVED_LABELS } from './names.js';
export type { DnsResponderDeps, DnsTransportKind } from './responder.js';
export { DnsResponder, txtChunks } from './responder.js';
