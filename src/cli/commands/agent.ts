import type { Command } from 'commander';
import type { CliIo } from './context.js';
import { CliError, EXIT } from './exit-codes.js';

/** `corro agent -c corro.toml`. */
export function registerAgentCommand(program: Command, io: CliIo): void {
  program
    .command('agent')
    .description('run the agent: replication, gossip and the HTTP API, until SIGINT/SIGTERM')
    .action(() => {
      void io;
      throw new CliError(EXIT.failed, 'not implemented yet');
    });
}
