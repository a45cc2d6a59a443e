import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { envName, FIELDS } from '../../src/config/fields.js';
import { parseConfig } from '../../src/config/load.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const MIN = `
[db]
path = "data"
[gossip]
addr = "127.0.0.1:7000"
plaintext = true
`;

function expectConfigError(fn: () => unknown, key: string, re: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as Error).message).toMatch(re);
    return;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills documented defaults and resolves paths against the config directory', () => {
    const c = parseConfig(MIN, { baseDir: '/etc/corro' });
    expect(c.db.path).toBe('/etc/corro/data');
    expect(c.api.addr).toBe('127.0.0.1:8080');
    expect(c.api.token).toBeUndefined();
    expect(c.api.health).toEqual({ minMembers: 1 });
    expect(c.gossip).toEqual({
      addr: '127.0.0.1:7000',
      bootstrap: [],
      cluster: 'corro',
      keys: [],
      plaintext: true,
      preset: 'lan',
    });
    expect(c.subscriptions.maxBufferedEvents).toBe(10_000);
  });

  it('reads every section', () => {
    const c = parseConfig(
      `
[db]
path = "/var/lib/corro"
schema_paths = ["schema/a.sql", "/abs/schema"]
[gossip]
addr = "0.0.0.0:7000"
bootstrap = ["10.0.0.2:7000", "[fd00::1]:7000"]
cluster = "prod"
keys = ["${KEY}"]
preset = "wan"
[api]
addr = "127.0.0.1:9090"
token = "t0k"
max_body_bytes = 1024
[api.health]
max_gaps = 5
max_p99_lag_sec = 2.5
min_members = 3
[subscriptions]
retained_changes = 50
[telemetry]
log_level = "debug"
`,
      { baseDir: '/cfg' },
    );
    expect(c.db.schemaPaths).toEqual(['/cfg/schema/a.sql', '/abs/schema']);
    expect(c.gossip.bootstrap).toEqual(['10.0.0.2:7000', '[fd00::1]:7000']);
    expect(c.gossip.keys).toEqual([KEY]);
    expect(c.api).toMatchObject({ addr: '127.0.0.1:9090', token: 't0k', maxBodyBytes: 1024 });
    expect(c.api.health).toEqual({ maxGaps: 5, maxP99LagSec: 2.5, minMembers: 3 });
    expect(c.subscriptions.retainedChanges).toBe(50);
    expect(c.telemetry.logLevel).toBe('debug');
  });

  it('lets CORRO_* environment variables override the file', () => {
    const c = parseConfig(MIN, {
      env: {
        CORRO_API_ADDR: '127.0.0.1:9999',
        CORRO_GOSSIP_BOOTSTRAP: '127.0.0.1:1, 127.0.0.1:2',
        CORRO_API_HEALTH_MAX_GAPS: '7',
        CORRO_GOSSIP_PLAINTEXT: 'true',
        CORRO_API_TOKEN: 'from-env',
      },
    });
    expect(c.api.addr).toBe('127.0.0.1:9999');
    expect(c.api.token).toBe('from-env');
    expect(c.gossip.bootstrap).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    expect(c.api.health.maxGaps).toBe(7);
    expect(envName('api.health.max_gaps')).toBe('CORRO_API_HEALTH_MAX_GAPS');
  });

  it('fails naming the key for unknown keys, wrong types, bad values and missing keys', () => {
    expectConfigError(
      () => parseConfig(`${MIN}\n[api]\nadr = "x"`),
      'api.adr',
      /unknown key; known in api: addr, token/,
    );
    expectConfigError(() => parseConfig(`${MIN}\n[bogus]\nx = 1`), 'bogus', /unknown key/);
    expectConfigError(() => parseConfig(`${MIN}\n[api]\naddr = 8080`), 'api.addr', /must be a string/);
    expectConfigError(() => parseConfig(`${MIN}\n[api]\naddr = "localhost"`), 'api.addr', /not host:port/);
    expectConfigError(
      () => parseConfig(`${MIN}\n[api]\nmax_body_bytes = 0`),
      'api.max_body_bytes',
      /must be > 0/,
    );
    expectConfigError(
      () => parseConfig(`${MIN}\n[api]\nmax_body_bytes = 1.5`),
      'api.max_body_bytes',
      /integer/,
    );
    expectConfigError(
      () => parseConfig('[gossip]\naddr = "127.0.0.1:1"\nplaintext = true'),
      'db.path',
      /is required/,
    );
    expectConfigError(
      () =>
        parseConfig(`[db]\npath = "x"\n[gossip]\naddr = "127.0.0.1:1"\nplaintext = true\nkeys = ["${KEY}"]`),
      'gossip.plaintext',
      /cannot be true while gossip.keys is set/,
    );
    expectConfigError(
      () => parseConfig(`${MIN.replace('plaintext = true', 'keys = ["short"]')}`),
      'gossip.keys',
      /32 bytes in base64/,
    );
    expectConfigError(
      () => parseConfig(MIN, { env: { CORRO_GOSSIP_PLAINTEXT: 'yes' } }),
      'gossip.plaintext',
      /CORRO_GOSSIP_PLAINTEXT/,
    );
    expectConfigError(() => parseConfig('[db\npath = 1'), '', /not valid TOML/);
  });

  it('documents every key, here and in docs/operations.md', () => {
    const ops = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
    for (const f of FIELDS) {
      expect(f.doc.length, f.key).toBeGreaterThan(10);
      expect(ops, f.key).toContain(`| \`${f.key}\` |`);
    }
  });
});
