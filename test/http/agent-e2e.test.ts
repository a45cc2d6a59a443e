import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEvent } from '../../src/http/backend.js';
import { CorroClient } from '../../src/http/client.js';
import { type AgentProcess, makeNodeDir, type NodeDir, spawnAgent } from '../cli/harness.js';

// HTTP end to end against a real `corro agent` process on loopback.
const SCHEMA =
  'CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, port INTEGER NOT NULL DEFAULT 0, data BLOB);';
const TOKEN = 'e2e-token';

let node: NodeDir;
let agent: AgentProcess;
let client: CorroClient;

beforeAll(async () => {
  node = makeNodeDir(
    SCHEMA,
    `token = "${TOKEN}"\nmax_body_bytes = 65536\n\n[subscriptions]\nretained_changes = 3\n`,
  );
  agent = await spawnAgent(node.config);
  client = new CorroClient(agent.url, TOKEN);
});
afterAll(async () => {
  await agent?.stop();
  if (node) rmSync(node.dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
async function post(path: string, body: string) {
  const res = await fetch(`${agent.url}${path}`, { method: 'POST', headers: auth, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as QueryEvent);

describe('corro agent HTTP API (real process)', () => {
  it('refuses requests without the token', async () => {
    const res = await fetch(`${agent.url}/v1/members`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/bearer token/);
  });

  it('runs every statement form in one transaction and reports versions', async () => {
    const r = await post(
      '/v1/transactions',
      JSON.stringify([
        "INSERT INTO svc (id, name) VALUES (1, 'web')",
        ['INSERT INTO svc (id, name, port) VALUES (?, ?, ?)', [2, 'db', 5432]],
        [
          'INSERT INTO svc (id, name, data) VALUES (:id, :name, :data)',
          { ':id': 3, ':name': 'blob', ':data': [0, 1, 255] },
        ],
        { query: 'UPDATE svc SET port = ? WHERE id = ?', params: [80, 1] },
        { query: 'UPDATE svc SET name = :n WHERE id = :id', named_params: { n: 'cache', id: 3 } },
      ]),
    );
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.results.map((x: { rows_affected: number }) => x.rows_affected)).toEqual([1, 1, 1, 1, 1]);
    expect(body.version).toBe(1);
    const again = JSON.parse(
      (await post('/v1/transactions', JSON.stringify(['UPDATE svc SET port = 81 WHERE id = 1']))).text,
    );
    expect(again.version).toBe(2);
    const none = JSON.parse(
      (await post('/v1/transactions', JSON.stringify(['UPDATE svc SET port = 1 WHERE id = 99']))).text,
    );
    expect(none.version).toBeNull();
  });

  it('streams query rows as NDJSON with columns, rowids and eoq', async () => {
    const r = await post(
      '/v1/queries',
      JSON.stringify(['SELECT id, name, port, data FROM svc WHERE id <= ? ORDER BY id', [3]]),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    const ev = ndjson(r.text);
    expect(ev.slice(0, 4)).toEqual([
      { columns: ['id', 'name', 'port', 'data'] },
      { row: [1, [1, 'web', 81, null]] },
      { row: [2, [2, 'db', 5432, null]] },
      { row: [3, [3, 'cache', 0, [0, 1, 255]]] },
    ]);
    expect(ev[4]).toHaveProperty('eoq');
    expect(ev).toHaveLength(5);
  });

  it('answers errors with 4xx JSON and applies nothing', async () => {
    const cases: [string, string, number, RegExp][] = [
      ['/v1/transactions', '[1,', 400, /not valid JSON/],
      [
        '/v1/transactions',
        '["INSERT INTO svc (id) VALUES (10)", "INSERT INTO ghosts VALUES (1)"]',
        400,
        /statement 2 of 2: no such table: ghosts/,
      ],
      [
        '/v1/transactions',
        '["INSERT INTO svc (id) VALUES (11)", "INSERT INTO svc (id) VALUES (11)"]',
        400,
        /UNIQUE constraint failed/,
      ],
      [
        '/v1/transactions',
        '["INSERT INTO svc (id, nope) VALUES (12, 1)"]',
        400,
        /no such column|has no column named nope/,
      ],
      ['/v1/transactions', '["DROP TABLE svc"]', 400, /migrate|schema/],
      ['/v1/queries', '"DELETE FROM svc"', 400, /not read-only/],
      ['/v1/queries', '"SELECT * FROM ghosts"', 400, /no such table: ghosts/],
      ['/v1/queries', '"SELEKT 1"', 400, /syntax error/],
      ['/v1/subscriptions', '"UPDATE svc SET port = 1"', 400, /read-only/],
      [
        '/v1/transactions',
        JSON.stringify([`INSERT INTO svc (id, name) VALUES (13, '${'x'.repeat(70_000)}')`]),
        413,
        /larger than 65536/,
      ],
    ];
    for (const [path, body, status, re] of cases) {
      const r = await post(path, body);
      expect(r.status, body.slice(0, 80)).toBe(status);
      const parsed = JSON.parse(r.text) as { error?: string; results?: { error: string }[] };
      expect(parsed.error ?? parsed.results?.[0]?.error, body.slice(0, 80)).toMatch(re);
    }
    const ids = ndjson((await post('/v1/queries', '"SELECT id FROM svc ORDER BY id"')).text)
      .filter((e) => 'row' in e)
      .map((e) => ('row' in e ? e.row[1][0] : null));
    expect(ids).toEqual([1, 2, 3]);
  });

  it('subscribes, receives changes, re-attaches from a change id, and refuses too-old ids', async () => {
    const sub = await client.subscribe('SELECT id, name FROM svc WHERE port > 0');
    const id = sub.headers.get('corro-query-id') as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const it = sub.events[Symbol.asyncIterator]();
    const next = async () => (await it.next()).value as QueryEvent;
    expect(await next()).toEqual({ columns: ['id', 'name'] });
    expect([await next(), await next()]).toEqual([{ row: [1, [1, 'web']] }, { row: [2, [2, 'db']] }]);
    expect(await next()).toMatchObject({ eoq: { change_id: 0 } });
    await client.transaction(['UPDATE svc SET port = 9 WHERE id = 3']);
    expect(await next()).toEqual({ change: ['insert', 3, [3, 'cache'], 1] });
    sub.close();
    // Missed while detached: change ids 2 and 3.
    await client.transaction(["UPDATE svc SET name = 'www' WHERE id = 1"]);
    await client.transaction(['DELETE FROM svc WHERE id = 2']);
    const again = await client.attach(id, { from: 1 });
    const it2 = again.events[Symbol.asyncIterator]();
    const got: QueryEvent[] = [];
    for (let i = 0; i < 3; i++) got.push((await it2.next()).value as QueryEvent);
    expect(got[0]).toEqual({ columns: ['id', 'name'] });
    // Two commits close together may be diffed in one re-run (deletes first): compare
    // without order, and check the ids continue at 2.
    const changes = got.slice(1).map((e) => ('change' in e ? e.change : null));
    expect(changes.map((c) => c?.[3])).toEqual([2, 3]);
    expect(changes.map((c) => JSON.stringify(c?.slice(0, 3))).sort()).toEqual([
      JSON.stringify(['delete', 2, [2, 'db']]),
      JSON.stringify(['update', 1, [1, 'www']]),
    ]);
    again.close();
    // Push the history past its bound of 3 changes; then from=1 is too old.
    for (let i = 0; i < 3; i++)
      await client.transaction([`INSERT INTO svc (id, port) VALUES (${20 + i}, 1)`]);
    let status = 0;
    for (let tries = 0; tries < 100 && status !== 410; tries++) {
      status = (await fetch(`${agent.url}/v1/subscriptions/${id}?from=1`, { headers: auth })).status;
      if (status !== 410) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(410);
    // skip_rows: columns and eoq only; the same SQL shares the subscription (same id).
    const skip = await client.subscribe('SELECT id, name FROM svc WHERE port > 0', { skipRows: true });
    expect(skip.headers.get('corro-query-id')).toBe(id);
    const it3 = skip.events[Symbol.asyncIterator]();
    expect((await it3.next()).value).toEqual({ columns: ['id', 'name'] });
    expect((await it3.next()).value).toMatchObject({ eoq: { change_id: 6 } });
    skip.close();
    const missing = await fetch(`${agent.url}/v1/subscriptions/00000000-0000-0000-0000-000000000000`, {
      headers: auth,
    });
    expect(missing.status).toBe(404);
  });

  it('serves health, members and Prometheus metrics', async () => {
    const h = await client.health();
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ response: { gaps: 0, members: 1, p99_lag: 0, queue_size: 0 } });
    expect((await client.health({ members: '2' })).status).toBe(503);
    const members = (await client.members()) as { id: string; state: string }[];
    expect(members).toHaveLength(1);
    expect(members[0]?.state).toBe('alive');
    const text = await client.metrics();
    expect(text).toMatch(/corro_http_requests_total\{route="transactions",status="200"\} \d+/);
    expect(text).toMatch(/corro_subscriptions 1/);
  });
});
