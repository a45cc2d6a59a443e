import type { SimulateOptions } from '../../src/sim/simulate.js';
import { floodProtocol } from './flood-protocol.js';

/** Small, fast options for engine tests (stand-in protocol). */
export function smallRun(over: Partial<SimulateOptions> = {}): SimulateOptions {
  return {
    seed: 42,
    scenario: 'steady',
    nodes: 20,
    durationMs: 10_000,
    healMs: 30_000,
    writesPerSec: 5,
    regions: ['iad', 'fra', 'syd', 'nrt', 'gru'],
    protocol: floodProtocol(),
    ...over,
  };
}
