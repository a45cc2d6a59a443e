import { deriveSeed, seededRng } from '../runtime/rng.js';
import { SimConfigError } from './errors.js';
import type { SimProtocol } from './protocol.js';
import { reportHtml } from './report-html.js';
import type { SimResults } from './results.js';
import { buildResults, resultsJson } from './results.js';
import type { Scenario } from './scenario.js';
import { parseScenarioJson } from './scenario.js';
import { buildScenario, isScenarioName, SCENARIO_NAMES } from './scenarios.js';
import { runSimulation } from './simulation.js';
import { replayCommand, summaryTable } from './summary-table.js';

/** Everything one corro-sim run needs (what the CLI flags map to). */
export interface SimulateOptions {
  /** 32-bit unsigned seed. */
  readonly seed: number;
  /** A built-in scenario name, or `file` with `scenarioJson` set. */
  readonly scenario: string;
  /** Text of a scenario file (when `scenario` is not a built-in name). */
  readonly scenarioJson?: string;
  /** Path shown in the replay command for a scenario file. */
  readonly scenarioPath?: string;
  /** Cluster size; undefined lets swarm choose (others default to 20). */
  readonly nodes?: number;
  /** Fault phase in virtual ms. */
  readonly durationMs: number;
  /** Longest healing phase in virtual ms. Default 60000. */
  readonly healMs?: number;
  readonly writesPerSec: number;
  /**
   * Warm-up before the fault phase: virtual ms, or `'auto'` (until the members agree, at most
   * 120 s; see `SimOptions.warmupMs`). Default 0 here (tests and experiments keep their runs);
   * the CLI defaults to `'auto'`.
   */
  readonly warmupMs?: number | 'auto';
  readonly lossRate?: number;
  readonly regions: readonly string[];
  readonly protocol: SimProtocol;
  readonly asyncTurns?: number;
  /** Copy every packet on send (`SimNetwork`'s `copyPackets`). Default false. */
  readonly copyPackets?: boolean;
  readonly viewObservers?: number;
  readonly onProgress?: (elapsedMs: number, totalMs: number, done: boolean) => void;
}

/** The products of a run: results (for results.json), the page, the summary and replay line. */
export interface SimulateOutput {
  readonly scenario: Scenario;
  readonly results: SimResults;
  readonly json: string;
  readonly html: string;
  readonly summary: string;
  readonly replay: string;
}

/** Builds the scenario from the options (built in, or parsed from the scenario file text). */
export function resolveScenario(o: SimulateOptions): Scenario {
  const healMs = o.healMs ?? 60_000;
  if (isScenarioName(o.scenario)) {
    return buildScenario(
      o.scenario,
      {
        nodes: o.nodes,
        durationMs: o.durationMs,
        healMs,
        writesPerSec: o.writesPerSec,
        lossRate: o.lossRate,
        regions: o.regions,
      },
      seededRng(deriveSeed(o.seed, 0x5ce0)),
    );
  }
  if (o.scenarioJson === undefined)
    throw new SimConfigError(
      `unknown scenario "${o.scenario}": use one of ${SCENARIO_NAMES.join(', ')} or a JSON file`,
    );
  return parseScenarioJson(o.scenarioJson, {
    nodes: o.nodes ?? 20,
    initialNodes: o.nodes ?? 20,
    durationMs: o.durationMs,
    healMs,
    writesPerSec: o.writesPerSec,
    network: o.lossRate !== undefined ? { lossRate: o.lossRate } : {},
    regions: o.regions,
  });
}

/** Runs one simulation and renders its outputs. Deterministic in everything it returns. */
export async function simulate(o: SimulateOptions): Promise<SimulateOutput> {
  const scenario = resolveScenario(o);
  const data = await runSimulation({
    seed: o.seed,
    scenario,
    protocol: o.protocol,
    asyncTurns: o.asyncTurns,
    copyPackets: o.copyPackets,
    warmupMs: o.warmupMs ?? 0,
    viewObservers: o.viewObservers,
    onProgress: o.onProgress,
  });
  const results = buildResults(data);
  const replay = replayCommand({
    seed: o.seed,
    scenario: o.scenarioPath ?? o.scenario,
    nodes: o.nodes,
    durationMs: o.durationMs,
    healMs: o.healMs,
    warmupMs: o.warmupMs ?? 0,
    writesPerSec: o.writesPerSec,
    loss: o.lossRate,
    regions: o.regions,
    protocol: o.protocol.name,
  });
  return {
    scenario,
    results,
    json: resultsJson(results),
    html: reportHtml(results, replay),
    summary: summaryTable(results),
    replay,
  };
}
