import { isRegion } from '../regions/latency.js';
import { REGIONS } from '../regions/matrix.js';
import { SimConfigError } from './errors.js';
import type { NetworkConfig } from './network-config.js';
import { networkConfig } from './network-config.js';

/** One timed action of a scenario. `at` is virtual ms from the start of the run. */
export type ScenarioEvent =
  | {
      readonly at: number;
      readonly do: 'crash' | 'restart' | 'resume' | 'leave' | 'join';
      readonly nodes: readonly number[];
    }
  | { readonly at: number; readonly do: 'pause'; readonly nodes: readonly number[]; readonly forMs?: number }
  | {
      readonly at: number;
      readonly do: 'partition';
      readonly id?: string;
      readonly groups: readonly [readonly number[], readonly number[]];
      /** Cut only group 0 -> group 1 (asymmetric). */
      readonly oneWay?: boolean;
    }
  | {
      readonly at: number;
      readonly do: 'slow';
      readonly nodes: readonly number[];
      /** Extra delay of every packet to these nodes, ms (0 ends it). */
      readonly ingressDelayMs: number;
      readonly forMs?: number;
    }
  | { readonly at: number; readonly do: 'heal'; readonly id?: string }
  | { readonly at: number; readonly do: 'network'; readonly set: Partial<NetworkConfig> };

/**
 * A complete run plan. The fault phase lasts `durationMs` (writes and faults happen in it);
 * then the healing phase removes every fault (partitions healed, paused nodes resumed, the
 * network made clean; crashed nodes stay down unless an event restarted them) and runs until
 * the cluster converges or `healMs` passes.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Node slots in the run (the largest cluster size). Constraint: >= 1. */
  readonly nodes: number;
  /** Nodes 0..initialNodes-1 start at the beginning; the others only through `join` events. */
  readonly initialNodes: number;
  /** Fault phase length in virtual ms. Constraint: > 0. */
  readonly durationMs: number;
  /** Longest healing phase in virtual ms; the run ends earlier once converged. */
  readonly healMs: number;
  /** Cluster-wide writes per second during the fault phase (Poisson arrivals). */
  readonly writesPerSec: number;
  /** Network faults in force from the start. */
  readonly network: Partial<NetworkConfig>;
  /** Regions the nodes are spread over, round robin by index. */
  readonly regions: readonly string[];
  readonly events: readonly ScenarioEvent[];
}

const ACTIONS = new Set([
  'crash',
  'restart',
  'pause',
  'slow',
  'resume',
  'leave',
  'join',
  'partition',
  'heal',
  'network',
]);

/**
 * Validates a scenario (built in or parsed from a file). Throws {@link SimConfigError} naming
 * the offending field. Returns the scenario with events sorted by time (stable).
 */
export function validateScenario(s: Scenario): Scenario {
  const fail = (msg: string): never => {
    throw new SimConfigError(`scenario "${s.name}": ${msg}`);
  };
  if (!Number.isInteger(s.nodes) || s.nodes < 1) fail(`nodes must be an integer >= 1, got ${s.nodes}`);
  if (!Number.isInteger(s.initialNodes) || s.initialNodes < 1 || s.initialNodes > s.nodes)
    fail(`initialNodes must be an integer in [1, nodes], got ${s.initialNodes}`);
  if (!(s.durationMs > 0)) fail(`durationMs must be > 0, got ${s.durationMs}`);
  if (!(s.healMs >= 0)) fail(`healMs must be >= 0, got ${s.healMs}`);
  if (!(s.writesPerSec >= 0)) fail(`writesPerSec must be >= 0, got ${s.writesPerSec}`);
  if (s.regions.length === 0) fail('regions must list at least one region');
  for (const r of s.regions) if (!isRegion(r)) fail(`unknown region "${r}" (known: ${REGIONS.join(', ')})`);
  networkConfig(s.network);
  const checkNodes = (nodes: readonly number[], where: string) => {
    if (!Array.isArray(nodes)) fail(`${where}: nodes must be an array of node indexes`);
    for (const n of nodes)
      if (!Number.isInteger(n) || n < 0 || n >= s.nodes)
        fail(`${where}: node ${n} is not in [0, ${s.nodes})`);
  };
  s.events.forEach((e, i) => {
    const where = `events[${i}]`;
    if (!ACTIONS.has(e.do))
      fail(`${where}: unknown action "${e.do}" (use one of ${[...ACTIONS].join(', ')})`);
    if (!(e.at >= 0 && e.at <= s.durationMs)) fail(`${where}: at must be in [0, durationMs], got ${e.at}`);
    if (e.do === 'partition') {
      if (!Array.isArray(e.groups) || e.groups.length !== 2)
        fail(`${where}: groups must be two arrays of nodes`);
      checkNodes(e.groups[0], where);
      checkNodes(e.groups[1], where);
    } else if (e.do === 'network') networkConfig(e.set);
    else if (e.do === 'slow') {
      checkNodes(e.nodes, where);
      if (!(e.ingressDelayMs >= 0)) fail(`${where}: ingressDelayMs must be >= 0, got ${e.ingressDelayMs}`);
    } else if (e.do !== 'heal') checkNodes(e.nodes, where);
  });
  const events = s.events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
    .map((x) => x.e);
  return { ...s, events };
}

/**
 * Parses a scenario file (JSON). Missing fields take the given defaults (from the command
 * line); `events` is required. Throws {@link SimConfigError} with the field at fault.
 */
export function parseScenarioJson(
  text: string,
  defaults: Omit<Scenario, 'events' | 'name' | 'description'>,
): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SimConfigError(`scenario file is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SimConfigError('scenario file must hold a JSON object with an "events" array');
  const o = raw as Record<string, unknown>;
  if (!Array.isArray(o.events)) throw new SimConfigError('scenario file must have an "events" array');
  const nodes = (o.nodes as number | undefined) ?? defaults.nodes;
  return validateScenario({
    name: typeof o.name === 'string' ? o.name : 'file',
    description: typeof o.description === 'string' ? o.description : 'scenario from a file',
    nodes,
    initialNodes: (o.initialNodes as number | undefined) ?? nodes,
    durationMs: (o.durationMs as number | undefined) ?? defaults.durationMs,
    healMs: (o.healMs as number | undefined) ?? defaults.healMs,
    writesPerSec: (o.writesPerSec as number | undefined) ?? defaults.writesPerSec,
    network: { ...defaults.network, ...((o.network as Partial<NetworkConfig> | undefined) ?? {}) },
    regions: (o.regions as string[] | undefined) ?? defaults.regions,
    events: o.events as ScenarioEvent[],
  });
}
