import type { Command } from 'commander';
import type { QueryEvent } from '../../http/backend.js';
import { asCliError, type CliIo, clientFrom, type GlobalOptions, parseParam } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { formatTable } from './table-format.js';

const collect = (v: string, acc: string[]) => [...acc, v];

function statementOf(sql: string, params: string[]): unknown {
  return params.length > 0 ? [sql, params.map(parseParam)] : sql;
}

/** `corro exec`, `corro query`, `corro subscribe`. */
export function registerDataCommands(program: Command, io: CliIo): void {
  program
    .command('exec')
    .description('run write statements as one transaction (nothing is applied if one fails)')
    .argument('<sql...>', 'SQL statements; with --param, exactly one')
    .option('-p, --param <value>', 'positional parameter (JSON or text); repeat for more', collect, [])
    .option('--json', 'print the raw API answer')
    .addHelpText('after', '\nExample:\n  corro exec "INSERT INTO svc (id, name) VALUES (?, ?)" -p 1 -p web')
    .action(async (sqls: string[], o: { param: string[]; json?: boolean }, cmd: Command) => {
      if (o.param.length > 0 && sqls.length !== 1) {
        throw new CliError(EXIT.usage, '--param needs exactly one statement');
      }
      const client = clientFrom(cmd.optsWithGlobals<GlobalOptions>(), io);
      const res = await client.transaction(sqls.map((s) => statementOf(s, o.param))).catch((e) => {
        throw asCliError(e);
      });
      if (o.json) return io.out(JSON.stringify(res));
      const rows = res.results.map((r) => ('rows_affected' in r ? r.rows_affected : 0));
      io.out(`ok: ${rows.reduce((a, b) => a + b, 0)} row(s) affected, version ${res.version ?? '-'}`);
    });

  program
    .command('query')
    .description('run a read-only query and print the rows as a table')
    .argument('<sql>', 'one SELECT statement')
    .option('-p, --param <value>', 'positional parameter (JSON or text); repeat for more', collect, [])
    .option('--json', 'print {"columns": [...], "rows": [[...], ...]} instead of a table')
    .action(async (sql: string, o: { param: string[]; json?: boolean }, cmd: Command) => {
      const client = clientFrom(cmd.optsWithGlobals<GlobalOptions>(), io);
      const stream = await client.query(statementOf(sql, o.param)).catch((e) => {
        throw asCliError(e);
      });
      let columns: readonly string[] = [];
      const rows: (readonly unknown[])[] = [];
      for await (const e of stream.events) {
        if ('columns' in e) columns = e.columns;
        else if ('row' in e) rows.push(e.row[1]);
        else if ('error' in e) throw new CliError(EXIT.failed, e.error);
      }
      io.out(o.json ? JSON.stringify({ columns, rows }) : formatTable(columns, rows));
    });

  program
    .command('subscribe')
    .description('stream a live query: initial rows, end of query, then changes, one JSON event per line')
    .argument('[sql]', 'one SELECT statement (omit with --id)')
    .option('-p, --param <value>', 'positional parameter (JSON or text); repeat for more', collect, [])
    .option('--id <id>', 're-attach to an existing subscription id')
    .option('--from <changeId>', 'resume after this change id')
    .option('--skip-rows', 'do not send the initial rows')
    .option('--count <n>', 'exit (code 0) after this many change events')
    .addHelpText(
      'after',
      '\nEvents: {"columns":[..]} {"row":[rowid,[..]]} {"eoq":{..}} {"change":[type,rowid,[..],id]}\n' +
        'The subscription id is printed on stderr. Exits 1 on an error event, 0 on Ctrl-C or --count.',
    )
    .action(
      async (
        sql: string | undefined,
        o: { param: string[]; id?: string; from?: string; skipRows?: boolean; count?: string },
        cmd: Command,
      ) => {
        if (!sql && !o.id) throw new CliError(EXIT.usage, 'give the SQL, or --id to re-attach');
        const from = o.from === undefined ? undefined : Number(o.from);
        if (from !== undefined && !Number.isSafeInteger(from))
          throw new CliError(EXIT.usage, '--from must be a change id');
        const count = o.count === undefined ? undefined : Number(o.count);
        const client = clientFrom(cmd.optsWithGlobals<GlobalOptions>(), io);
        const opts = { ...(from !== undefined ? { from } : {}), ...(o.skipRows ? { skipRows: true } : {}) };
        const stream = await (o.id
          ? client.attach(o.id, opts)
          : client.subscribe(statementOf(sql as string, o.param), opts)
        ).catch((e) => {
          throw asCliError(e);
        });
        io.err(`subscription ${stream.headers.get('corro-query-id')}`);
        const stop = () => stream.close();
        process.once('SIGINT', stop);
        let changes = 0;
        try {
          for await (const e of stream.events as AsyncIterable<QueryEvent>) {
            io.out(JSON.stringify(e));
            if ('error' in e) throw new CliError(EXIT.failed, e.error);
            if ('change' in e && count !== undefined && ++changes >= count) break;
          }
        } finally {
          process.off('SIGINT', stop);
          stream.close();
        }
      },
    );
}
