/**
 * Runs one corro-sim simulation for bench/scaling-sim.ts in its own process, so the parent
 * can bound its wall time (a 1000-node run on a loaded 2-core machine can take many minutes)
 * and still keep the figures of the sizes that finished. Argument: a JSON object
 * `{ protocol, seed, nodes, durationMs, healMs, writesPerSec, warmupMs? }`. Prints one JSON line
 * `{ results, wallS }` where `results` is corro-sim's results.json content.
 */
import { REGIONS } from '../../src/regions/matrix.js';
import { PROTOCOLS } from '../../src/sim/adapters/index.js';
import { simulate } from '../../src/sim/simulate.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  protocol: string;
  seed: number;
  nodes: number;
  durationMs: number;
  healMs: number;
  writesPerSec: number;
  warmupMs?: number | 'auto';
};
const load = PROTOCOLS[args.protocol];
if (!load) {
  console.error(`unknown simulator protocol ${args.protocol}`);
  process.exit(2);
}
const t0 = performance.now();
const out = await simulate({
  seed: args.seed,
  scenario: 'steady',
  nodes: args.nodes,
  durationMs: args.durationMs,
  healMs: args.healMs,
  writesPerSec: args.writesPerSec,
  warmupMs: args.warmupMs ?? 0,
  regions: [...REGIONS],
  protocol: await load(),
});
process.stdout.write(`${JSON.stringify({ results: out.results, wallS: (performance.now() - t0) / 1000 })}\n`);
