import type { Rng } from '../runtime/rng.js';
import { randomInt, sample, shuffled } from '../runtime/rng.js';
import { SimConfigError } from './errors.js';
import type { NetworkConfig } from './network-config.js';
import type { Scenario, ScenarioEvent } from './scenario.js';
import { validateScenario } from './scenario.js';

/** The built-in scenario names. */
export const SCENARIO_NAMES = [
  'steady',
  'crash',
  'partition',
  'churn',
  'loss',
  'slow-node',
  'join-storm',
  'swarm',
] as const;

/** A built-in scenario name. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What the command line decides for a built-in scenario. */
export interface ScenarioOptions {
  /** Cluster size; `undefined` lets `swarm` pick it from the seed (others use 20). */
  readonly nodes?: number;
  readonly durationMs: number;
  readonly healMs: number;
  readonly writesPerSec: number;
  /** Packet loss for the whole run; `loss` uses 0.1 when undefined. */
  readonly lossRate?: number;
  readonly regions: readonly string[];
}

const DEFAULT_NODES = 20;

/** True when `name` is a built-in scenario. */
export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/**
 * Builds a built-in scenario. All choices (which nodes crash, when) come from `rng`, so the
 * seed decides them. Node 0 is never faulted, so there is always a stable bootstrap node.
 */
export function buildScenario(name: ScenarioName, opts: ScenarioOptions, rng: Rng): Scenario {
  const D = opts.durationMs;
  const at = (f: number) => Math.round(D * f);
  const nodes = opts.nodes ?? DEFAULT_NODES;
  let initialNodes = nodes;
  let network: Partial<NetworkConfig> = opts.lossRate !== undefined ? { lossRate: opts.lossRate } : {};
  const events: ScenarioEvent[] = [];
  let description = '';
  const pickVictims = (k: number): number[] =>
    sample(rng, range(1, nodes), Math.min(nodes - 1, Math.max(1, k))).sort((a, b) => a - b);
  switch (name) {
    case 'steady':
      description = 'no faults: writes spread over a clean network with jitter';
      break;
    case 'crash': {
      const victims = pickVictims(Math.ceil(nodes / 10));
      const back = victims.slice(0, Math.ceil(victims.length / 2));
      events.push({ at: at(0.3), do: 'crash', nodes: victims }, { at: at(0.6), do: 'restart', nodes: back });
      description = `crash ${victims.length} nodes at 30%; restart ${back.length} of them (keeping their SQLite state) at 60%`;
      break;
    }
    case 'partition': {
      const order = shuffled(rng, range(1, nodes));
      const half = order.slice(0, Math.floor(order.length / 2));
      const rest = [0, ...order.slice(half.length)];
      const lone = order[0] ?? 0;
      events.push(
        { at: at(0.2), do: 'partition', id: 'split', groups: [half, rest] },
        { at: at(0.5), do: 'heal', id: 'split' },
        {
          at: at(0.6),
          do: 'partition',
          id: 'one-way',
          groups: [[lone], range(0, nodes).filter((n) => n !== lone)],
          oneWay: true,
        },
      );
      description = `symmetric split into ${half.length} + ${rest.length} nodes from 20% to 50%; from 60% node ${lone} cannot send to anyone (asymmetric) until healing`;
      break;
    }
    case 'churn': {
      const steps = 8;
      const down = new Set<number>();
      for (let s = 1; s <= steps; s++) {
        const t = at((0.8 * s) / steps);
        const up = range(1, nodes).filter((n) => !down.has(n));
        const victim = up[randomInt(rng, up.length)];
        if (victim !== undefined && up.length > 1) {
          events.push({ at: t, do: 'crash', nodes: [victim] });
          down.add(victim);
        }
        const back = [...down].filter((n) => n !== victim);
        const revived = back[randomInt(rng, back.length)];
        if (revived !== undefined) {
          events.push({ at: t, do: 'restart', nodes: [revived] });
          down.delete(revived);
        }
      }
      const leaver = range(1, nodes).find(
        (n) => !down.has(n) && !events.some((e) => 'nodes' in e && e.nodes.includes(n)),
      );
      if (leaver !== undefined) events.push({ at: at(0.5), do: 'leave', nodes: [leaver] });
      description = `every ${Math.round(D / steps / 100) / 10} s one node crashes and another restarts${leaver !== undefined ? `; node ${leaver} leaves gracefully at 50%` : ''}`;
      break;
    }
    case 'loss':
      network = { lossRate: opts.lossRate ?? 0.1, duplicateRate: 0.02, reorderRate: 0.1 };
      description = `${Math.round((network.lossRate ?? 0) * 100)}% packet loss, 2% duplication, 10% reordering for the whole fault phase`;
      break;
    case 'slow-node': {
      const slow = pickVictims(1)[0] ?? 0;
      events.push({
        at: at(0.2),
        do: 'slow',
        nodes: [slow],
        ingressDelayMs: 1500,
        forMs: Math.round(D * 0.3),
      });
      for (let t = 0.5; t < 0.8; t += 0.1)
        events.push({ at: at(t), do: 'pause', nodes: [slow], forMs: Math.round(D * 0.06) });
      description = `node ${slow} reads its packets 1.5 s late (CPU-starved) from 20% to 50%, then is frozen for 6% of the run out of every 10% until 80% (GC pauses)`;
      break;
    }
    case 'join-storm': {
      initialNodes = Math.max(1, Math.ceil(nodes / 4));
      events.push({ at: at(0.3), do: 'join', nodes: range(initialNodes, nodes) });
      description = `${initialNodes} nodes run; at 30% the other ${nodes - initialNodes} join at once`;
      break;
    }
    case 'swarm':
      return swarm(opts, rng);
  }
  return validateScenario({
    name,
    description,
    nodes,
    initialNodes,
    durationMs: D,
    healMs: opts.healMs,
    writesPerSec: opts.writesPerSec,
    network,
    regions: opts.regions,
    events,
  });
}

/**
 * VOPR-style random scenario: the seed picks the cluster size (unless given) and the fault
 * rates, then random crashes, restarts, pauses, partitions and network changes through the
 * fault phase. The healing phase must converge.
 */
function swarm(opts: ScenarioOptions, rng: Rng): Scenario {
  const nodes = opts.nodes ?? 5 + randomInt(rng, 36);
  const D = opts.durationMs;
  const lossRate = opts.lossRate ?? Math.round(rng.next() * 20) / 100;
  const network: Partial<NetworkConfig> = {
    lossRate,
    duplicateRate: Math.round(rng.next() * 5) / 100,
    reorderRate: Math.round(rng.next() * 20) / 100,
    jitterMs: 1 + randomInt(rng, 20),
  };
  const faultsPerMinute = 4 + randomInt(rng, 12);
  const count = Math.max(1, Math.round((faultsPerMinute * D) / 60_000));
  const events: ScenarioEvent[] = [];
  const down = new Set<number>();
  for (let i = 0; i < count; i++) {
    const t = Math.round((D * 0.9 * (i + 1)) / (count + 1));
    const kind = randomInt(rng, 6);
    const candidates = range(1, nodes).filter((n) => !down.has(n));
    const victim = candidates[randomInt(rng, candidates.length)];
    if (victim === undefined) continue;
    if (kind === 0 && candidates.length > 1) {
      events.push({ at: t, do: 'crash', nodes: [victim] });
      down.add(victim);
    } else if (kind === 1 && down.size > 0) {
      const back = [...down][randomInt(rng, down.size)] as number;
      events.push({ at: t, do: 'restart', nodes: [back] });
      down.delete(back);
    } else if (kind === 2) {
      events.push({ at: t, do: 'pause', nodes: [victim], forMs: 500 + randomInt(rng, 5000) });
    } else if (kind === 3) {
      const side = sample(rng, range(1, nodes), Math.max(1, randomInt(rng, nodes >> 1)));
      const other = range(0, nodes).filter((n) => !side.includes(n));
      events.push({ at: t, do: 'partition', id: `p${i}`, groups: [side, other], oneWay: rng.next() < 0.3 });
      events.push({ at: Math.min(D, t + 1000 + randomInt(rng, 10_000)), do: 'heal', id: `p${i}` });
    } else if (kind === 4) {
      events.push({ at: t, do: 'network', set: { lossRate: Math.round(rng.next() * 30) / 100 } });
    } else {
      events.push({ at: t, do: 'network', set: { lossRate } });
    }
  }
  if (nodes < 1) throw new SimConfigError('swarm needs at least one node');
  return validateScenario({
    name: 'swarm',
    description: `seed-chosen: ${nodes} nodes, loss ${lossRate}, dup ${network.duplicateRate}, reorder ${network.reorderRate}, ${count} random faults (crash, restart, pause, partition, loss changes)`,
    nodes,
    initialNodes: nodes,
    durationMs: D,
    healMs: opts.healMs,
    writesPerSec: opts.writesPerSec,
    network,
    regions: opts.regions,
    events,
  });
}
