import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse, type TomlError } from 'smol-toml';
import { ConfigError } from './config-error.js';
import { envName, FIELDS, type FieldSpec } from './fields.js';

/** A loaded, validated configuration (see `fields.ts` for each key's meaning and default). */
export interface CorroConfig {
  readonly db: { readonly path: string; readonly schemaPaths: readonly string[] };
  readonly gossip: {
    readonly addr: string;
    readonly bootstrap: readonly string[];
    readonly cluster: string;
    readonly keys: readonly string[];
    readonly keyFile?: string;
    readonly plaintext: boolean;
    readonly preset: 'lan' | 'wan' | 'local';
  };
  readonly api: {
    readonly addr: string;
    readonly token?: string;
    readonly maxBodyBytes: number;
    readonly maxStatements: number;
    readonly maxConcurrentRequests: number;
    readonly maxSubscriptionStreams: number;
    readonly health: {
      readonly maxGaps?: number;
      readonly maxP99LagSec?: number;
      readonly maxQueueSize?: number;
      readonly minMembers: number;
    };
  };
  readonly subscriptions: {
    readonly maxBufferedEvents: number;
    readonly retainedChanges: number;
    readonly maxSubscriptions: number;
    readonly idleTimeoutMs: number;
  };
  /** Present when `dns.addr` is set: serve `.internal` DNS from the fleet tables. */
  readonly dns?: {
    readonly addr: string;
    readonly domain: string;
    readonly ttlS: number;
    readonly negativeTtlS: number;
    readonly localRegion: string;
  };
  readonly telemetry: { readonly logLevel: 'error' | 'warn' | 'info' | 'debug'; readonly metrics: boolean };
}

/** Where the text came from, for messages and relative paths. */
export interface ConfigSource {
  /** Environment whose `CORRO_*` variables override the file. Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against. Default: the current directory. */
  readonly baseDir?: string;
}

/** Reads and validates a TOML config file; `CORRO_*` variables of `env` override it. */
export function loadConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = {},
): CorroConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('', `cannot read config file ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, { env, baseDir: dirname(resolve(file)) });
}

/**
 * Parses and validates TOML text. Throws {@link ConfigError} naming the first wrong key: an
 * unknown key, a wrong type, a failed constraint, or a missing required key.
 */
export function parseConfig(text: string, source: ConfigSource = {}): CorroConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    const e = err as TomlError;
    throw new ConfigError('', `config is not valid TOML: ${e.message.split('\n')[0]}`);
  }
  const values = new Map<string, unknown>();
  flatten(doc, '', values);
  for (const f of FIELDS) {
    const name = envName(f.key);
    const raw = source.env?.[name];
    if (raw !== undefined) values.set(f.key, fromEnv(f, raw, name));
  }
  const out = new Map<string, unknown>();
  for (const f of FIELDS) {
    const v = values.has(f.key) ? checked(f, values.get(f.key)) : f.default;
    if (v === undefined && f.required) {
      throw new ConfigError(f.key, `is required (${f.doc}); set it in the file or with ${envName(f.key)}`);
    }
    out.set(f.key, v);
  }
  return build(out, source.baseDir ?? process.cwd());
}

function flatten(table: Record<string, unknown>, prefix: string, into: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(table)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (FIELDS.some((f) => f.key === key)) {
      into.set(key, v);
    } else if (FIELDS.some((f) => f.key.startsWith(`${key}.`))) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new ConfigError(key, `must be a table ([${key}])`);
      }
      flatten(v as Record<string, unknown>, key, into);
    } else {
      const section = prefix || '(top level)';
      const known = FIELDS.filter((f) => f.key.startsWith(prefix ? `${prefix}.` : ''))
        .map((f) => (prefix ? f.key.slice(prefix.length + 1) : f.key.split('.')[0]))
        .filter((x, i, a) => a.indexOf(x) === i);
      throw new ConfigError(key, `unknown key; known in ${section}: ${known.join(', ')}`);
    }
  }
}

function fromEnv(f: FieldSpec, raw: string, name: string): unknown {
  switch (f.type) {
    case 'string':
      return raw;
    case 'string[]':
      return raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim());
    case 'bool':
      if (['true', '1'].includes(raw)) return true;
      if (['false', '0'].includes(raw)) return false;
      throw new ConfigError(f.key, `${name}="${raw}" must be true or false`);
    default: {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new ConfigError(f.key, `${name}="${raw}" must be a number`);
      return n;
    }
  }
}

function checked(f: FieldSpec, v: unknown): unknown {
  const bad = (what: string) => new ConfigError(f.key, `must be ${what}, got ${JSON.stringify(v)}`);
  switch (f.type) {
    case 'string':
      if (typeof v !== 'string') throw bad('a string');
      break;
    case 'string[]':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad('an array of strings');
      break;
    case 'bool':
      if (typeof v !== 'boolean') throw bad('true or false');
      break;
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad('an integer');
      break;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('a number');
      break;
  }
  const problem = f.check?.(v as never);
  if (problem) throw new ConfigError(f.key, problem);
  return v;
}

function build(v: Map<string, unknown>, baseDir: string): CorroConfig {
  const get = <T>(k: string) => v.get(k) as T;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const keys = get<string[]>('gossip.keys');
  const plaintext = get<boolean>('gossip.plaintext');
  if (keys.length > 0 && plaintext) {
    throw new ConfigError(
      'gossip.plaintext',
      'cannot be true while gossip.keys is set: choose sealed or plaintext',
    );
  }
  const keyFile = get<string | undefined>('gossip.key_file');
  // Optional keys stay absent (not undefined) in the result.
  const maybe = (k: string, name: string) => (v.get(k) === undefined ? {} : { [name]: v.get(k) as number });
  const token = get<string | undefined>('api.token');
  const dnsAddr = get<string | undefined>('dns.addr');
  return Object.freeze({
    db: { path: abs(get<string>('db.path')), schemaPaths: get<string[]>('db.schema_paths').map(abs) },
    gossip: {
      addr: get<string>('gossip.addr'),
      bootstrap: get<string[]>('gossip.bootstrap'),
      cluster: get<string>('gossip.cluster'),
      keys,
      ...(keyFile ? { keyFile: abs(keyFile) } : {}),
      plaintext,
      preset: get<'lan' | 'wan' | 'local'>('gossip.preset'),
    },
    api: {
      addr: get<string>('api.addr'),
      ...(token ? { token } : {}),
      maxBodyBytes: get<number>('api.max_body_bytes'),
      maxStatements: get<number>('api.max_statements'),
      maxConcurrentRequests: get<number>('api.max_concurrent_requests'),
      maxSubscriptionStreams: get<number>('api.max_subscription_streams'),
      health: {
        ...maybe('api.health.max_gaps', 'maxGaps'),
        ...maybe('api.health.max_p99_lag_sec', 'maxP99LagSec'),
        ...maybe('api.health.max_queue_size', 'maxQueueSize'),
        minMembers: get<number>('api.health.min_members'),
      },
    },
    subscriptions: {
      maxBufferedEvents: get<number>('subscriptions.max_buffered_events'),
      retainedChanges: get<number>('subscriptions.retained_changes'),
      maxSubscriptions: get<number>('subscriptions.max_subscriptions'),
      idleTimeoutMs: get<number>('subscriptions.idle_timeout_ms'),
    },
    ...(dnsAddr
      ? {
          dns: {
            addr: dnsAddr,
            domain: get<string>('dns.domain'),
            ttlS: get<number>('dns.ttl_s'),
            negativeTtlS: get<number>('dns.negative_ttl_s'),
            localRegion: get<string>('dns.region'),
          },
        }
      : {}),
    telemetry: {
      logLevel: get<'error' | 'warn' | 'info' | 'debug'>('telemetry.log_level'),
      metrics: get<boolean>('telemetry.metrics'),
    },
  });
}
