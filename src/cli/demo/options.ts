/**
 * Options of `npm start` (the local fleet demo).
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';

/** What `npm start -- [flags]` accepts. */
export interface DemoOptions {
  /** Keep the fleet running after the scenario, until Ctrl-C. */
  readonly keepRunning: boolean;
  /** Plain line output even on a terminal (always plain when stdout is not a TTY). */
  readonly plain: boolean;
  /** Where the agents keep their data; default a fresh temporary directory, removed at exit. */
  readonly dataDir: string | undefined;
  /** First port of a fixed range (2 per node: gossip, DNS); default: free ports picked by the OS. */
  readonly basePort: number | undefined;
  /** Number of agents, 3..10. Default 5. */
  readonly nodes: number;
  /** Rounds of the write-to-DNS measurement. Default 5. */
  readonly rounds: number;
  readonly help: boolean;
}

/** Thrown for a bad flag; the message says which and what is allowed. */
export class DemoUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoUsageError';
  }
}

/** The `--help` text. */
export const DEMO_USAGE = `usage: npm start [-- options]

Starts a local corro fleet on loopback: host agents in different regions publish machines into
a replicated table, every agent serves .internal DNS from its own copy, then one host is
crashed (kill -9) and brought back.

options:
  --keep-running   keep the fleet running after the scenario, until Ctrl-C
  --plain          plain line output (the default when stdout is not a terminal)
  --data-dir DIR   keep the agents' data in DIR (default: a temporary directory, removed at exit)
  --base-port N    use ports N .. N+2*nodes-1 (default: free ports picked by the system)
  --nodes N        number of agents, 3..10 (default 5)
  --rounds N       write-to-DNS measurement rounds, 1..50 (default 5)
  -h, --help       this text`;

/** Parses `argv` (without node and script). Throws {@link DemoUsageError}. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'keep-running': { type: 'boolean', default: false },
        plain: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        'base-port': { type: 'string' },
        nodes: { type: 'string', default: '5' },
        rounds: { type: 'string', default: '5' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new DemoUsageError(`${(err as Error).message}\n\n${DEMO_USAGE}`);
  }
  const int = (key: string, min: number, max: number): number => {
    const v = Number(values[key]);
    if (!Number.isInteger(v) || v < min || v > max)
      throw new DemoUsageError(`--${key} must be an integer in ${min}..${max}`);
    return v;
  };
  const nodes = int('nodes', 3, 10);
  const basePort = values['base-port'] === undefined ? undefined : int('base-port', 1024, 65_535 - 2 * nodes);
  return {
    keepRunning: values['keep-running'] === true,
    plain: values.plain === true,
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
    basePort,
    nodes,
    rounds: int('rounds', 1, 50),
    help: values.help === true,
  };
}
