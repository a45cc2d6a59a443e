#!/usr/bin/env node
// The `corro` command line: agent, exec, query, subscribe, cluster, reload, backup, restore.
// Exit codes are documented in commands/exit-codes.ts and docs/operations.md.
import { runCli } from './commands/program.js';

// `corro subscribe ... | head` closes our stdout early: that is the reader being done, not
// an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  env: process.env,
});
// Long-running commands (agent, subscribe) return only when done, so exiting here is safe;
// setting exitCode rather than calling exit() lets stdout flush.
process.exitCode = code;
