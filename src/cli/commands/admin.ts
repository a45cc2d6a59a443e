import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { DB_FILE } from '../../agent/agent-config.js';
import { ConfigError } from '../../config/config-error.js';
import { readSchemaFiles } from '../../config/schema-files.js';
import { asCliError, type CliIo, clientFrom, configFrom, type GlobalOptions } from './context.js';
import { lockHolder } from './data-dir-lock.js';
import { CliError, EXIT } from './exit-codes.js';

/** `corro reload`, `corro backup`, `corro restore`. */
export function registerAdminCommands(program: Command, io: CliIo): void {
  program
    .command('reload')
    .description("re-read the config's schema files and apply them to the running agent")
    .addHelpText(
      'after',
      '\nThe files must hold the complete schema. Additive changes (new tables, new nullable or\n' +
        'defaulted columns, new indexes) apply in place; destructive ones are refused and nothing changes.',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const cfg = configFrom(opts, io);
      let schema: string[];
      try {
        schema = readSchemaFiles(cfg?.db.schemaPaths ?? []);
      } catch (err) {
        throw err instanceof ConfigError ? new CliError(EXIT.usage, err.message) : err;
      }
      if (schema.length === 0) throw new CliError(EXIT.usage, 'db.schema_paths holds no .sql file');
      await clientFrom(opts, io)
        .migrate(schema)
        .catch((e) => {
          throw asCliError(e);
        });
      io.out(`ok: schema applied (${schema.length} file(s))`);
    });

  program
    .command('backup')
    .description('write a consistent snapshot of the database to a new file')
    .argument('<file>', 'snapshot to create (must not exist)')
    .addHelpText(
      'after',
      '\nWith a running agent the snapshot is taken through its API (SQLite online backup).\n' +
        'With -c and no agent running, the data directory is read directly.',
    )
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const target = resolve(file);
      if (existsSync(target)) throw new CliError(EXIT.failed, `${target} exists; choose a new file name`);
      const cfg = configFrom(opts, io, false);
      if (cfg && lockHolder(cfg.db.path) === null) {
        const source = join(cfg.db.path, DB_FILE);
        if (!existsSync(source)) throw new CliError(EXIT.failed, `no database at ${source}`);
        const db = new Database(source, { readonly: true, fileMustExist: true });
        try {
          await db.backup(target);
        } finally {
          db.close();
        }
      } else {
        await clientFrom(opts, io)
          .backup(target)
          .catch((e) => {
            throw asCliError(e);
          });
      }
      io.out(`ok: snapshot written to ${target}`);
    });

  program
    .command('restore')
    .description("replace the data directory's database with a snapshot (the agent must be stopped)")
    .argument('<file>', 'snapshot made by corro backup')
    .addHelpText(
      'after',
      '\nRefuses (exit 4) while an agent runs on the data directory. The node keeps the actor id\n' +
        'stored in the snapshot: restore a node from its own snapshots only.',
    )
    .action((file: string, _o: unknown, cmd: Command) => {
      const cfg = configFrom(cmd.optsWithGlobals<GlobalOptions>(), io) as NonNullable<
        ReturnType<typeof configFrom>
      >;
      const holder = lockHolder(cfg.db.path);
      if (holder !== null) {
        throw new CliError(
          EXIT.agentRunning,
          `an agent (pid ${holder}) runs on ${cfg.db.path}; stop it first`,
        );
      }
      const snapshot = resolve(file);
      checkSnapshot(snapshot);
      const target = join(cfg.db.path, DB_FILE);
      const tmp = `${target}.restore-tmp`;
      copyFileSync(snapshot, tmp);
      const fd = openSync(tmp, 'r+');
      fsyncSync(fd);
      closeSync(fd);
      // The old write-ahead log belongs to the old file: it must not be replayed onto the snapshot.
      rmSync(`${target}-wal`, { force: true });
      rmSync(`${target}-shm`, { force: true });
      renameSync(tmp, target);
      io.out(`ok: ${target} restored from ${snapshot}`);
    });
}

function checkSnapshot(path: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const actor = db.prepare("SELECT value FROM __corro_meta WHERE key = 'actor'").pluck().get();
    if (typeof actor !== 'string') throw new Error('it has no actor id');
    const ok = db.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new Error(`integrity check failed: ${String(ok)}`);
  } catch (err) {
    throw new CliError(EXIT.failed, `${path} is not a corro snapshot: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}
