/**
 * Placement: which host in region X, or nearest to it, can fit a machine of N MB and C CPUs.
 * Reads the `hosts` table of the fleet schema from the local copy, so any host can decide
 * without a central scheduler. Two hosts deciding at once may pick the same host; the host
 * agent is the one that accepts or refuses (it owns its capacity row), so a refused placement
 * simply tries the next candidate.
 * @packageDocumentation
 */
import type { RegionLatency } from '../dns/answer.js';
import { safeLatency } from '../dns/answer.js';
import type { FleetQuery, HostLiveness } from '../dns/fleet-reader.js';
import { rttMs } from '../regions/latency.js';

/**
 * The example placement query: `up` hosts with room for a machine, most free memory first.
 * Parameters: memory MB, CPUs, row limit.
 */
export const HOSTS_THAT_FIT_SQL =
  "SELECT id, region, cpus_free, memory_mb_free FROM hosts WHERE state = 'up' AND memory_mb_free >= ? AND cpus_free >= ? ORDER BY memory_mb_free DESC, id LIMIT ?";

/** A host that can take the machine. */
export interface HostCandidate {
  readonly id: string;
  readonly region: string;
  readonly cpusFree: number;
  readonly memoryMbFree: number;
  /** Latency from the wanted region to the host's region, ms (0 in the region itself). */
  readonly distanceMs: number;
}

/** What to place, and where. */
export interface PlacementRequest {
  /** The wanted region; hosts there come first, then the nearest regions. */
  readonly region: string;
  /** Memory the machine reserves, MB. Constraint: integer >= 1. */
  readonly memoryMb: number;
  /** CPUs the machine reserves. Constraint: integer >= 1. */
  readonly cpus: number;
  /**
   * Order inside one region: `spread` (default) puts the host with the most free memory first,
   * spreading load; `pack` puts the tightest fit first, keeping big holes for big machines.
   */
  readonly strategy?: 'spread' | 'pack';
  /** Only hosts within this latency of `region`, ms. Default: no limit. */
  readonly maxDistanceMs?: number;
}

/** Where to look. */
export interface PlacementDeps {
  readonly query: FleetQuery;
  /** Region latency, ms. Default: the built-in world matrix (`regions/`); unknown regions sort last, by code. */
  readonly latency?: RegionLatency;
  /** Leaves out hosts that are not live (see `livenessFromMembers`). */
  readonly liveness?: HostLiveness;
  /** Upper bound on hosts read, default 10000. */
  readonly maxHosts?: number;
}

/** Thrown for a request that cannot name a machine (bad size); nothing was read. */
export class PlacementRequestError extends Error {
  constructor(message: string) {
    super(`placement: ${message}`);
    this.name = 'PlacementRequestError';
  }
}

/**
 * Every host that can fit the machine, best first: the wanted region, then nearer regions,
 * then (inside a region) by `strategy`, then by id. Empty when nothing fits.
 */
export async function rankHosts(req: PlacementRequest, deps: PlacementDeps): Promise<HostCandidate[]> {
  for (const key of ['memoryMb', 'cpus'] as const) {
    const v = req[key];
    if (!Number.isInteger(v) || v < 1)
      throw new PlacementRequestError(`${key} must be an integer >= 1, got ${v}`);
  }
  const latency = deps.latency ?? rttMs;
  const rows = await deps.query(HOSTS_THAT_FIT_SQL, [req.memoryMb, req.cpus, deps.maxHosts ?? 10_000]);
  const out: HostCandidate[] = [];
  for (const r of rows) {
    const id = String(r.id);
    if (deps.liveness && !deps.liveness(id)) continue;
    const region = String(r.region);
    const distanceMs = safeLatency(latency, req.region, region);
    if (req.maxDistanceMs !== undefined && distanceMs > req.maxDistanceMs) continue;
    out.push({
      id,
      region,
      cpusFree: Number(r.cpus_free),
      memoryMbFree: Number(r.memory_mb_free),
      distanceMs,
    });
  }
  const pack = req.strategy === 'pack';
  return out.sort((a, b) => {
    // The wanted region always first, even if a latency function says another is as close.
    const home = Number(b.region === req.region) - Number(a.region === req.region);
    if (home !== 0) return home;
    if (a.distanceMs !== b.distanceMs) return a.distanceMs < b.distanceMs ? -1 : 1;
    if (a.region !== b.region) return a.region < b.region ? -1 : 1;
    const fit = pack ? a.memoryMbFree - b.memoryMbFree : b.memoryMbFree - a.memoryMbFree;
    if (fit !== 0) return fit;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** The best host for the machine (see {@link rankHosts}), or `null` when none can fit it. */
export async function findHost(req: PlacementRequest, deps: PlacementDeps): Promise<HostCandidate | null> {
  return (await rankHosts(req, deps))[0] ?? null;
}
