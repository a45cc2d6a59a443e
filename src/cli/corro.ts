#!/usr/bin/env node
// The `corro` command line: agent, exec, query, subscribe, cluster, reload, backup, restore.
// Exit codes are documented in commands/exit-codes.ts and docs/operations.md.
import { runCli } from './commands/program.js';

const code = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  env: process.env,
});
// Long-running commands (agent, subscribe) return only when done, so exiting here is safe;
// setting exitCode rather than calling exit() lets stdout flush.
process.exitCode = code;
