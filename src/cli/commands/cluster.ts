import type { Command } from 'commander';
import { asCliError, type CliIo, clientFrom, type GlobalOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { formatTable } from './table-format.js';

/** `corro cluster members`, `corro cluster health`. */
export function registerClusterCommands(program: Command, io: CliIo): void {
  const cluster = program.command('cluster').description('inspect the cluster through the local agent');
  cluster
    .command('members')
    .description('list the members this agent knows, itself included')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const members = (await clientFrom(cmd.optsWithGlobals<GlobalOptions>(), io)
        .members()
        .catch((e) => {
          throw asCliError(e);
        })) as Record<string, unknown>[];
      if (o.json) return io.out(JSON.stringify(members));
      const cols = ['id', 'addr', 'state', 'incarnation', 'rttMs'];
      io.out(
        formatTable(
          cols,
          members.map((m) => cols.map((c) => m[c] ?? null)),
        ),
      );
    });
  cluster
    .command('health')
    .description('print /v1/health; exits 1 when the agent reports unhealthy (503)')
    .option('--gaps <n>', 'most unapplied versions tolerated')
    .option('--p99-lag <sec>', 'largest p99 receive lag tolerated, seconds')
    .option('--members <n>', 'fewest alive members required')
    .action(async (o: { gaps?: string; p99Lag?: string; members?: string }, cmd: Command) => {
      const params: Record<string, string> = {};
      if (o.gaps) params.gaps = o.gaps;
      if (o.p99Lag) params.p99_lag = o.p99Lag;
      if (o.members) params.members = o.members;
      const h = await clientFrom(cmd.optsWithGlobals<GlobalOptions>(), io)
        .health(params)
        .catch((e) => {
          throw asCliError(e);
        });
      io.out(JSON.stringify(h.body));
      if (h.status !== 200) throw new CliError(EXIT.failed, `unhealthy (HTTP ${h.status})`);
    });
}
