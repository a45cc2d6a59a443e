/**
 * Exit codes of the `corro` CLI. Scripts may rely on them; they are append-only.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | success |
 * | 1 | the operation failed (SQL error, refused request, error event) |
 * | 2 | usage or configuration error (bad flag, bad config key) |
 * | 3 | the agent could not be reached (not running, wrong address) |
 * | 4 | refused because an agent is running on the data directory (restore) or already holds it |
 * | 5 | authentication failed (missing or wrong token) |
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  agentRunning: 4,
  auth: 5,
} as const;

/** An error the CLI reports on stderr before exiting with `code`. */
export class CliError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
