/**
 * A configuration problem found at start: the message names the key (as written in the TOML
 * file, e.g. `gossip.addr`, or the environment variable that set it) and what is expected.
 * Nothing was started.
 */
export class ConfigError extends Error {
  /** The offending key, dotted (`api.token`), or '' for file-level problems. */
  readonly key: string;
  constructor(key: string, message: string) {
    super(key ? `config key ${key}: ${message}` : message);
    this.name = 'ConfigError';
    this.key = key;
  }
}
