import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { experimentProtocols } from '../sim/adapters/index.js';
import type { ExperimentResult } from '../sim/experiments.js';
import {
  detectionExperiment,
  disseminationExperiment,
  falsePositiveExperiment,
  markdownTable,
} from '../sim/experiments.js';

const NAMES = ['detection', 'dissemination', 'false-positives'];

/**
 * `corro-sim --experiment <name>`: the comparisons of docs/simulator.md ("Published results"),
 * printed as markdown tables and written to <out>/experiments.json.
 */
export async function runExperiments(
  name: string,
  seed: number,
  nodes: number | undefined,
  out: string,
): Promise<number> {
  const wanted = name === 'all' ? NAMES : [name];
  if (!wanted.every((w) => NAMES.includes(w))) {
    console.error(`corro-sim: unknown --experiment "${name}": use ${NAMES.join(', ')} or all`);
    return 2;
  }
  const p = await experimentProtocols();
  if (!p) {
    console.error('corro-sim: experiments need the membership adapter, which this build lacks');
    return 2;
  }
  const results: ExperimentResult[] = [];
  for (const w of wanted) {
    const t0 = performance.now();
    let r: ExperimentResult;
    if (w === 'detection') r = await detectionExperiment(p, nodes ? [nodes] : [30, 100], seed);
    else if (w === 'dissemination')
      r = await disseminationExperiment(p, nodes ? [nodes] : [30, 100, 1000], seed);
    else r = await falsePositiveExperiment(p, nodes ?? 100, seed);
    results.push(r);
    console.log(`${markdownTable(r)}\n\n(wall ${Math.round(performance.now() - t0)} ms)\n`);
  }
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'experiments.json'), `${JSON.stringify(results, null, 2)}\n`);
  return 0;
}
