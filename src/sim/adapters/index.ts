import type { ExperimentProtocols } from '../experiments.js';
import type { SimProtocol } from '../protocol.js';

/**
 * The real protocols corro-sim can drive, by name. Each entry loads its adapter lazily so a
 * membership-only run never loads the store.
 */
export const PROTOCOLS: Readonly<Record<string, () => Promise<SimProtocol>>> = {};

/** Names of the protocols available in this build, best first. */
export function protocolNames(): string[] {
  return Object.keys(PROTOCOLS);
}

/** The protocols the published-results experiments compare, or undefined without membership. */
export async function experimentProtocols(): Promise<ExperimentProtocols | undefined> {
  return undefined;
}
