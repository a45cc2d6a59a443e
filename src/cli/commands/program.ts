import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './admin.js';
import { registerAgentCommand } from './agent.js';
import { registerClusterCommands } from './cluster.js';
import type { CliIo } from './context.js';
import { registerDataCommands } from './data.js';
import { CliError, EXIT } from './exit-codes.js';

/** Builds the `corro` command tree writing to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('corro')
    .description('corro: replicated SQLite tables for a fleet')
    .version(packageVersion(), '-V, --version')
    .option(
      '--api <addr>',
      'agent API address host:port or URL (env CORRO_API_ADDR; default from -c, else 127.0.0.1:8080)',
    )
    .option('--token <token>', 'API bearer token (env CORRO_API_TOKEN; default from -c)')
    .option('-c, --config <file>', 'agent config file (TOML)')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 operation failed, 2 usage or config error, 3 agent unreachable,\n' +
        '4 an agent runs on the data directory, 5 authentication failed.',
    )
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerAgentCommand(program, io);
  registerDataCommands(program, io);
  registerClusterCommands(program, io);
  registerAdminCommands(program, io);
  program.exitOverride();
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

/**
 * Runs the CLI with `argv` (without the node and script entries) and returns the exit code;
 * errors are printed on `io.err`. Never calls `process.exit` itself.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they are successes to the user.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      io.err(`corro: ${err.message}`);
      return err.code;
    }
    io.err(`corro: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT.failed;
  }
}

/** The package version (package.json sits two levels above both src/cli and dist/cli). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
