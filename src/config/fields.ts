/**
 * Every configuration key: its TOML name, type, default and constraint, in one table. The
 * loader, the environment overrides and docs/operations.md all follow this table.
 */

/** Value kinds a key can have. */
export type FieldType = 'string' | 'string[]' | 'int' | 'number' | 'bool';

/** One configuration key. */
export interface FieldSpec {
  /** Dotted TOML key: `section.key` or `section.table.key`. */
  readonly key: string;
  readonly type: FieldType;
  /** Default when neither the file nor the environment sets it; undefined = unset. */
  readonly default?: string | number | boolean | readonly string[];
  /** Must be given (file or environment). */
  readonly required?: boolean;
  /** Extra check; returns what is wrong, or undefined. */
  readonly check?: (value: never) => string | undefined;
  /** One line for docs and `--help`. */
  readonly doc: string;
}

const positive = (v: number) => (v > 0 ? undefined : 'must be > 0');
const nonNegative = (v: number) => (v >= 0 ? undefined : 'must be >= 0');
const hostPort = (v: string) =>
  /^(\[[^\]]+\]|[^:[\]]+):\d{1,5}$/.test(v) && Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535
    ? undefined
    : `"${v}" is not host:port (e.g. 127.0.0.1:8080)`;
const hostPorts = (v: readonly string[]) => v.map(hostPort).find((e) => e !== undefined);
const oneOf =
  (...allowed: string[]) =>
  (v: string) =>
    allowed.includes(v) ? undefined : `"${v}" is not one of ${allowed.join(', ')}`;
const keys = (v: readonly string[]) => {
  for (const k of v) {
    if (!/^[A-Za-z0-9+/]+=*$/.test(k) || Buffer.from(k, 'base64').length !== 32) {
      return 'each key must be 32 bytes in base64 (make one with: openssl rand -base64 32)';
    }
  }
  return undefined;
};

/** The configuration keys, in documentation order. */
export const FIELDS: readonly FieldSpec[] = [
  {
    key: 'db.path',
    type: 'string',
    required: true,
    doc: 'Data directory (SQLite file, actor id, lock file). Relative paths resolve against the config file.',
  },
  {
    key: 'db.schema_paths',
    type: 'string[]',
    default: [],
    doc: 'Schema files or directories of *.sql files (CREATE TABLE / CREATE INDEX), applied at start and by `corro reload`.',
  },
  {
    key: 'gossip.addr',
    type: 'string',
    required: true,
    check: hostPort,
    doc: 'UDP address gossip binds to, host:port.',
  },
  {
    key: 'gossip.bootstrap',
    type: 'string[]',
    default: [],
    check: hostPorts,
    doc: 'host:port of peers to join at start.',
  },
  {
    key: 'gossip.cluster',
    type: 'string',
    default: 'corro',
    doc: 'Cluster name; packets of other clusters are dropped (it is the AEAD associated data).',
  },
  {
    key: 'gossip.keys',
    type: 'string[]',
    default: [],
    check: keys,
    doc: 'AES-256-GCM keys, base64 of 32 bytes; the first seals, all open (rotation). Default: the key in gossip.key_file.',
  },
  {
    key: 'gossip.key_file',
    type: 'string',
    doc: 'File holding the cluster key as 64 hex characters, used when gossip.keys is empty. Default <db.path>/cluster.key, created with a random key on first start: copy it to every node.',
  },
  {
    key: 'gossip.plaintext',
    type: 'bool',
    default: false,
    doc: 'Send gossip unsealed. Only for tests on one host.',
  },
  {
    key: 'gossip.preset',
    type: 'string',
    default: 'lan',
    check: oneOf('lan', 'wan', 'local'),
    doc: 'Timing preset: lan, wan or local.',
  },
  {
    key: 'api.addr',
    type: 'string',
    default: '127.0.0.1:8080',
    check: hostPort,
    doc: 'HTTP API listen address; loopback by default.',
  },
  { key: 'api.token', type: 'string', doc: 'Bearer token required on every API request when set.' },
  {
    key: 'api.max_body_bytes',
    type: 'int',
    default: 4 * 1024 * 1024,
    check: positive,
    doc: 'Largest request body in bytes; larger gets 413.',
  },
  {
    key: 'api.max_statements',
    type: 'int',
    default: 1000,
    check: positive,
    doc: 'Most statements per transaction; more gets 400.',
  },
  {
    key: 'api.max_concurrent_requests',
    type: 'int',
    default: 64,
    check: positive,
    doc: 'Requests handled at once (not subscriptions); more gets 503.',
  },
  {
    key: 'api.max_subscription_streams',
    type: 'int',
    default: 1024,
    check: positive,
    doc: 'Open subscription streams; more gets 503.',
  },
  {
    key: 'api.health.max_gaps',
    type: 'int',
    check: nonNegative,
    doc: '/v1/health answers 503 when unapplied versions exceed this. Default: no limit.',
  },
  {
    key: 'api.health.max_p99_lag_sec',
    type: 'number',
    check: nonNegative,
    doc: '/v1/health answers 503 when p99 receive lag (s) exceeds this. Default: no limit.',
  },
  {
    key: 'api.health.max_queue_size',
    type: 'int',
    check: nonNegative,
    doc: '/v1/health answers 503 when queued changesets exceed this. Default: no limit.',
  },
  {
    key: 'api.health.min_members',
    type: 'int',
    default: 1,
    check: positive,
    doc: '/v1/health answers 503 with fewer alive members (self included).',
  },
  {
    key: 'subscriptions.max_buffered_events',
    type: 'int',
    default: 10_000,
    check: positive,
    doc: 'Events queued for one consumer; past it the consumer gets an error event and is dropped.',
  },
  {
    key: 'subscriptions.retained_changes',
    type: 'int',
    default: 10_000,
    check: nonNegative,
    doc: 'Changes kept per subscription for resume (?from=); older ids get 410.',
  },
  {
    key: 'subscriptions.max_subscriptions',
    type: 'int',
    default: 256,
    check: positive,
    doc: 'Distinct live queries (SQL + params) at once.',
  },
  {
    key: 'subscriptions.idle_timeout_ms',
    type: 'int',
    default: 120_000,
    check: nonNegative,
    doc: 'A subscription with no consumer is dropped after this many ms (resume impossible after).',
  },
  {
    key: 'dns.addr',
    type: 'string',
    check: hostPort,
    doc: 'Serve `.internal` DNS (UDP and TCP, same port) from the replicated fleet tables on this `host:port`. Unset: no DNS. See docs/discovery.md.',
  },
  {
    key: 'dns.domain',
    type: 'string',
    default: 'internal',
    doc: 'Zone the DNS responder answers for (`<app>.internal`); other names are REFUSED.',
  },
  {
    key: 'dns.ttl_s',
    type: 'int',
    default: 5,
    check: nonNegative,
    doc: 'TTL in seconds of positive DNS answers (0..86400). Short: answers follow the table.',
  },
  {
    key: 'dns.negative_ttl_s',
    type: 'int',
    default: 5,
    check: nonNegative,
    doc: 'TTL in seconds of NXDOMAIN / empty answers (SOA minimum, 0..86400).',
  },
  {
    key: 'dns.region',
    type: 'string',
    default: '',
    doc: "This host's region, the origin of `top<N>.nearest.of.<app>.internal` (e.g. `ams`).",
  },
  {
    key: 'telemetry.log_level',
    type: 'string',
    default: 'info',
    check: oneOf('error', 'warn', 'info', 'debug'),
    doc: 'Log level of `corro agent` (logs go to stderr).',
  },
  {
    key: 'telemetry.metrics',
    type: 'bool',
    default: true,
    doc: 'Serve Prometheus metrics at GET /metrics on the API address.',
  },
];

/** The environment variable overriding `key`: `CORRO_` + the dotted key in upper snake case. */
export function envName(key: string): string {
  return `CORRO_${key.replace(/\./g, '_').toUpperCase()}`;
}
