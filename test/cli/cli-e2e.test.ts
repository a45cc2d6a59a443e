import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorroClient } from '../../src/http/client.js';
import {
  type AgentProcess,
  cli,
  cliProcess,
  makeNodeDir,
  type NodeDir,
  spawnAgent,
  waitFor,
} from './harness.js';

const SCHEMA =
  'CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, port INTEGER NOT NULL DEFAULT 0);';

let node: NodeDir;
let agent: AgentProcess | undefined;
let api: string[];

beforeAll(async () => {
  node = makeNodeDir(SCHEMA);
  agent = await spawnAgent(node.config);
  api = ['--api', agent.addr];
});
afterAll(async () => {
  await agent?.stop();
  if (node) rmSync(node.dir, { recursive: true, force: true });
});

describe('corro CLI against a running agent', () => {
  it('exec and query, as a table and as JSON', async () => {
    let r = await cli([
      ...api,
      'exec',
      "INSERT INTO svc (id, name, port) VALUES (1, 'web', 80)",
      "INSERT INTO svc (id, name) VALUES (2, 'db')",
    ]);
    expect(r).toMatchObject({ code: 0, out: 'ok: 2 row(s) affected, version 1' });
    r = await cli([...api, 'exec', 'UPDATE svc SET port = ? WHERE id = ?', '-p', '5432', '-p', '2']);
    expect(r.code).toBe(0);
    r = await cli([...api, 'query', 'SELECT id, name, port FROM svc ORDER BY id']);
    expect(r.out).toBe('id  name  port\n--  ----  ----\n1   web   80\n2   db    5432');
    r = await cli([...api, 'query', '--json', 'SELECT name FROM svc WHERE id = ?', '-p', '1']);
    expect(JSON.parse(r.out)).toEqual({ columns: ['name'], rows: [['web']] });
  });

  it('exits 1 with the reason on a failed statement and 2 on a usage error', async () => {
    let r = await cli([...api, 'exec', 'INSERT INTO nope VALUES (1)']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no such table: nope/);
    r = await cli([...api, 'query', 'DELETE FROM svc']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not read-only/);
    r = await cli([...api, 'exec', 'a', 'b', '-p', '1']);
    expect(r.code).toBe(2);
    r = await cli([...api, 'frobnicate']);
    expect(r.code).toBe(2);
  });

  it('exits 3 when the agent is unreachable', async () => {
    const r = await cli(['--api', '127.0.0.1:9', 'query', 'SELECT 1']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/cannot reach/);
  });

  it('subscribe streams events until --count changes', async () => {
    const run = cli([
      ...api,
      'subscribe',
      'SELECT id, name FROM svc WHERE id >= ?',
      '-p',
      '1',
      '--count',
      '2',
    ]);
    const client = new CorroClient(agent!.url);
    // Wait until the CLI's consumer is attached before writing.
    await waitFor(async () => (await client.metrics()).includes('corro_subscription_consumers 1'));
    await client.transaction(["INSERT INTO svc (id, name) VALUES (3, 'cache')"]);
    await client.transaction(["UPDATE svc SET name = 'www' WHERE id = 1"]);
    const r = await run;
    expect(r.code).toBe(0);
    const events = r.out.split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toEqual({ columns: ['id', 'name'] });
    // Both commits may land in one re-run (then the update comes first): compare without order.
    const changes = events.slice(-2).map((e) => e.change);
    expect(changes.map((c) => c[3])).toEqual([1, 2]);
    expect(changes.map((c) => JSON.stringify(c.slice(0, 3))).sort()).toEqual([
      JSON.stringify(['insert', 3, [3, 'cache']]),
      JSON.stringify(['update', 1, [1, 'www']]),
    ]);
    expect(r.err).toMatch(/^subscription [0-9a-f-]{36}$/);
  });

  it('cluster members lists this node', async () => {
    const r = await cli([...api, 'cluster', 'members', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(1);
    expect((await cli([...api, 'cluster', 'health'])).code).toBe(0);
  });

  it('reload applies new schema files to the running agent', async () => {
    writeFileSync(
      join(node.schemaDir, '002.sql'),
      'CREATE TABLE tags (k TEXT NOT NULL PRIMARY KEY, v TEXT);',
    );
    let r = await cli(['-c', node.config, '--api', agent!.addr, 'reload']);
    expect(r).toMatchObject({ code: 0, out: 'ok: schema applied (2 file(s))' });
    r = await cli([...api, 'exec', "INSERT INTO tags VALUES ('env', 'prod')"]);
    expect(r.code).toBe(0);
    // A destructive change (dropping the table) is refused and nothing changes.
    rmSync(join(node.schemaDir, '002.sql'));
    r = await cli(['-c', node.config, '--api', agent!.addr, 'reload']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/tags/);
    writeFileSync(
      join(node.schemaDir, '002.sql'),
      'CREATE TABLE tags (k TEXT NOT NULL PRIMARY KEY, v TEXT);',
    );
  });

  it('a second agent on the same data directory is refused (exit 4); a bad config exits 2 naming the key', async () => {
    let r = await cliProcess(['agent', '-c', node.config]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/another agent \(pid \d+\) runs on/);
    // The API address taken by the running agent: a clean message, exit 1.
    const clash = join(node.dir, 'clash.toml');
    writeFileSync(
      clash,
      `[db]\npath = "data2"\n[gossip]\naddr = "127.0.0.1:0"\nplaintext = true\n[api]\naddr = "${agent!.addr}"\n`,
    );
    r = await cliProcess(['agent', '-c', clash]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot serve the API on api.addr 127\.0\.0\.1:\d+: listen EADDRINUSE/);
    const bad = join(node.dir, 'bad.toml');
    writeFileSync(
      bad,
      '[db]\npath = "x"\n[gossip]\naddr = "127.0.0.1:1"\nplaintext = true\n[api]\naddr = "nowhere"\n',
    );
    r = await cliProcess(['agent', '-c', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/config key api\.addr: "nowhere" is not host:port/);
  });

  it('backup takes a snapshot; restore refuses while the agent runs, then restores after it stops', async () => {
    const snap = join(node.dir, 'snap.db');
    let r = await cli(['-c', node.config, '--api', agent!.addr, 'backup', snap]);
    expect(r.code).toBe(0);
    expect(existsSync(snap)).toBe(true);
    r = await cli(['-c', node.config, 'restore', snap]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/runs on .* stop it first/);
    // A write after the snapshot, which the restore must undo.
    await cli([...api, 'exec', "INSERT INTO svc (id, name) VALUES (99, 'after-backup')"]);
    expect(await agent!.stop()).toBe(0);
    agent = undefined;
    r = await cli(['-c', node.config, 'restore', join(node.dir, 'corro.toml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a corro snapshot/);
    r = await cli(['-c', node.config, 'restore', snap]);
    expect(r.code).toBe(0);
    // Offline backup (no agent) reads the data directory directly.
    r = await cli(['-c', node.config, 'backup', join(node.dir, 'offline.db')]);
    expect(r.code).toBe(0);
    agent = await spawnAgent(node.config);
    r = await cli(['--api', agent.addr, 'query', '--json', 'SELECT id FROM svc ORDER BY id']);
    expect(JSON.parse(r.out).rows).toEqual([[1], [2], [3]]);
  });

  it('--help works on every command', async () => {
    for (const args of [
      ['--help'],
      ['agent', '--help'],
      ['exec', '--help'],
      ['query', '--help'],
      ['subscribe', '--help'],
      ['cluster', 'members', '--help'],
      ['reload', '--help'],
      ['backup', '--help'],
      ['restore', '--help'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out, args.join(' ')).toMatch(/Usage: corro/);
    }
    const v = await cli(['--version']);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect(v).toMatchObject({ code: 0, out: pkg.version });
  });
});
