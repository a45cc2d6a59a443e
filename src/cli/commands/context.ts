import { ConfigError } from '../../config/config-error.js';
import { type CorroConfig, loadConfig } from '../../config/load.js';
import { ApiClientError, CorroClient } from '../../http/client.js';
import { CliError, EXIT } from './exit-codes.js';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Options every command accepts. */
export interface GlobalOptions {
  /** API address host:port, or a URL. */
  readonly api?: string;
  readonly token?: string;
  readonly config?: string;
}

/** Loads the config file named by `-c`, turning a config problem into a usage exit. */
export function configFrom(opts: GlobalOptions, io: CliIo, required = true): CorroConfig | undefined {
  if (!opts.config) {
    if (required) throw new CliError(EXIT.usage, 'this command needs the agent config: pass -c corro.toml');
    return undefined;
  }
  try {
    return loadConfig(opts.config, io.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(EXIT.usage, err.message);
    throw err;
  }
}

/**
 * The API client: address from `--api`, else `CORRO_API_ADDR`, else the config's `api.addr`,
 * else 127.0.0.1:8080; token from `--token`, else `CORRO_API_TOKEN`, else the config's.
 */
export function clientFrom(opts: GlobalOptions, io: CliIo): CorroClient {
  const cfg = opts.config ? configFrom(opts, io) : undefined;
  const addr = opts.api ?? io.env.CORRO_API_ADDR ?? cfg?.api.addr ?? '127.0.0.1:8080';
  const token = opts.token ?? io.env.CORRO_API_TOKEN ?? cfg?.api.token;
  return new CorroClient(toUrl(addr), token);
}

/** Maps a client error to the CLI's exit codes. */
export function asCliError(err: unknown): unknown {
  if (!(err instanceof ApiClientError)) return err;
  if (err.status === 0) return new CliError(EXIT.unreachable, `${err.message} (is the agent running?)`);
  if (err.status === 401) return new CliError(EXIT.auth, err.message);
  return new CliError(EXIT.failed, err.message);
}

function toUrl(addr: string): string {
  if (/^https?:\/\//.test(addr)) return addr;
  // An agent listening on every interface is reached through loopback.
  return `http://${addr.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:')}`;
}

/** Parses a `--param` value: JSON when it parses (numbers, null, arrays), else the text. */
export function parseParam(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
