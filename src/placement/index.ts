/**
 * Placement over the fleet tables: find a host in (or nearest to) a region with room for a
 * machine.
 * @packageDocumentation
 */
export type { HostCandidate, PlacementDeps, PlacementRequest } from './find-host.js';
export { findHost, HOSTS_THAT_FIT_SQL, PlacementRequestError, rankHosts } from './find-host.js';
