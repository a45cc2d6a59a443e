import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorroClient } from '../../src/http/client.js';
import { API_DEFAULTS, parseHostPort } from '../../src/http/options.js';
import { type ApiServer, startApiServer } from '../../src/http/server.js';
import { FakeBackend } from './fake-backend.js';

const SCHEMA = 'CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, port INTEGER DEFAULT 0);';

let backend: FakeBackend;
let server: ApiServer;

beforeEach(async () => {
  backend = new FakeBackend(SCHEMA);
  server = await startApiServer({ backend, addr: '127.0.0.1:0', maxBodyBytes: 10_000, maxStatements: 5 });
});
afterEach(async () => {
  await server.close();
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const body = async (r: Response) => (await r.json()) as { error: string; failing: string[] };
const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('POST /v1/transactions', () => {
  it('accepts every statement form and reports rows affected per statement and the version', async () => {
    const r = await post(
      '/v1/transactions',
      JSON.stringify([
        "INSERT INTO svc (id, name) VALUES (1, 'a')",
        ['INSERT INTO svc (id, name) VALUES (?, ?)', [2, 'b']],
        ['INSERT INTO svc (id, name) VALUES (:id, :name)', { ':id': 3, name: 'c' }],
        { query: 'UPDATE svc SET port = ? WHERE id >= ?', params: [80, 2] },
        { query: 'UPDATE svc SET name = $n WHERE id = $id', named_params: { $n: 'z', $id: 1 } },
      ]),
    );
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.results.map((x: { rows_affected: number }) => x.rows_affected)).toEqual([1, 1, 1, 2, 1]);
    expect(typeof body.time).toBe('number');
    expect(body.version).toBe(1);
    expect(backend.db.prepare('SELECT id, name, port FROM svc ORDER BY id').raw().all()).toEqual([
      [1, 'z', 0],
      [2, 'b', 80],
      [3, 'c', 80],
    ]);
  });

  it('applies nothing when one statement fails, and names the statement', async () => {
    const r = await post(
      '/v1/transactions',
      JSON.stringify(['INSERT INTO svc (id) VALUES (1)', 'INSERT INTO nope VALUES (1)']),
    );
    expect(r.status).toBe(400);
    const body = JSON.parse(r.text);
    expect(body.results[0].error).toMatch(/statement 2 of 2.*no such table: nope.*nothing was applied/);
    expect(body.version).toBeNull();
    expect(backend.db.prepare('SELECT count(*) AS n FROM svc').get()).toEqual({ n: 0 });
  });

  it('refuses bad JSON, wrong shapes, empty and oversized batches with a JSON error', async () => {
    const cases: [string, RegExp][] = [
      ['[1, 2', /not valid JSON/],
      ['{"query": 1}', /expected a JSON array/],
      ['[]', /at least 1 statement/],
      ['[["SELECT 1", 5]]', /statement 1: parameters must be/],
      ['[{"query": "SELECT 1", "bogus": 1}]', /unknown key\(s\) bogus/],
      ['["SELECT 1","SELECT 1","SELECT 1","SELECT 1","SELECT 1","SELECT 1"]', /too many statements: 6 > 5/],
      ['["   "]', /SQL text is empty/],
    ];
    for (const [body, re] of cases) {
      const r = await post('/v1/transactions', body);
      expect(r.status, body).toBe(400);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(JSON.parse(r.text).error, body).toMatch(re);
    }
  });

  it('refuses a body over the bound with 413', async () => {
    const big = JSON.stringify([`INSERT INTO svc (id, name) VALUES (1, '${'x'.repeat(20_000)}')`]);
    const r = await post('/v1/transactions', big);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text).error).toMatch(/larger than 10000 bytes/);
    expect(await server.registry.metrics()).toMatch(/corro_http_refused_total\{reason="body_size"\} 1/);
    expect(backend.db.prepare('SELECT count(*) AS n FROM svc').get()).toEqual({ n: 0 });
  });
});

describe('POST /v1/queries', () => {
  it('streams columns, rows with rowids from 1 and eoq as NDJSON', async () => {
    await new CorroClient(server.url).transaction([
      ['INSERT INTO svc (id, name, port) VALUES (?, ?, ?)', [1, 'a', 10]],
      ['INSERT INTO svc (id, name, port) VALUES (?, ?, ?)', [2, null, 20]],
    ]);
    const r = await post(
      '/v1/queries',
      JSON.stringify(['SELECT id, name, port FROM svc WHERE port > ? ORDER BY id', [0]]),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    expect(r.text.endsWith('\n')).toBe(true);
    const ev = lines(r.text);
    expect(ev.slice(0, 3)).toEqual([
      { columns: ['id', 'name', 'port'] },
      { row: [1, [1, 'a', 10]] },
      { row: [2, [2, null, 20]] },
    ]);
    expect(ev).toHaveLength(4);
    expect(typeof ev[3].eoq.time).toBe('number');
  });

  it('returns blobs as byte arrays and binds byte arrays as blobs', async () => {
    const r = await post(
      '/v1/queries',
      JSON.stringify([
        'SELECT ? AS b, typeof(?) AS t',
        [
          [1, 2, 255],
          [1, 2],
        ],
      ]),
    );
    const ev = lines(r.text);
    expect(ev[1]).toEqual({ row: [1, [[1, 2, 255], 'blob']] });
  });

  it('refuses write statements, bad SQL and unknown tables with 400', async () => {
    for (const [sql, re] of [
      ['INSERT INTO svc (id) VALUES (9)', /not read-only/],
      ['SELEC 1', /syntax error/],
      ['SELECT * FROM missing', /no such table: missing/],
      ['SELECT nocol FROM svc', /no such column: nocol/],
    ] as const) {
      const r = await post('/v1/queries', JSON.stringify(sql));
      expect(r.status, sql).toBe(400);
      expect(JSON.parse(r.text).error, sql).toMatch(re);
    }
    expect(backend.db.prepare('SELECT count(*) AS n FROM svc').get()).toEqual({ n: 0 });
  });

  it('keeps streaming a large result to a slow reader (back-pressure, no loss)', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [i, 'n'.repeat(200)]);
    const insert = backend.db.prepare('INSERT INTO svc (id, name) VALUES (?, ?)');
    backend.db.transaction(() => {
      for (const r of rows) insert.run(...r);
    })();
    const stream = await new CorroClient(server.url).query('SELECT id, name FROM svc ORDER BY id');
    let count = 0;
    let last: unknown;
    for await (const e of stream.events) {
      if ('row' in e) {
        expect(e.row[0]).toBe(++count);
        // A slow consumer: yield to the event loop now and then so the server's buffer fills.
        if (count % 500 === 0) await new Promise((r) => setImmediate(r));
      }
      last = e;
    }
    expect(count).toBe(3000);
    expect(last).toHaveProperty('eoq');
  });
});

describe('subscriptions', () => {
  it('sends the id header, initial rows, eoq with change id, then changes as they come', async () => {
    backend.db.exec("INSERT INTO svc (id, name) VALUES (1, 'a')");
    const client = new CorroClient(server.url);
    const sub = await client.subscribe('SELECT id, name FROM svc');
    expect(sub.headers.get('corro-query-id')).toBe('sub-1');
    expect(sub.headers.get('corro-query-hash')).toBe('hash-1');
    const it = sub.events[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ columns: ['id', 'name'] });
    expect((await it.next()).value).toEqual({ row: [1, [1, 'a']] });
    expect((await it.next()).value).toEqual({ eoq: { time: 0, change_id: 0 } });
    backend.emit({ change: ['insert', 2, [2, 'b'], 1] });
    expect((await it.next()).value).toEqual({ change: ['insert', 2, [2, 'b'], 1] });
    sub.close();
    // The server notices the disconnect and detaches the consumer.
    await waitFor(() => backend.streams.size === 0);
  });

  it('re-attaches by id; unknown ids are 404 and too-old resumes are 410', async () => {
    const client = new CorroClient(server.url);
    const r404 = await fetch(`${server.url}/v1/subscriptions/nope?from=7`);
    expect(r404.status).toBe(404);
    expect((await body(r404)).error).toMatch(/no subscription with id nope/);
    const r410 = await fetch(`${server.url}/v1/subscriptions/sub-1?from=1`);
    expect(r410.status).toBe(410);
    const r400 = await fetch(`${server.url}/v1/subscriptions/sub-1?from=-1`);
    expect(r400.status).toBe(400);
    expect((await body(r400)).error).toMatch(/"from" must be a change id/);
    const sub = await client.attach('sub-1', { from: 5 });
    expect(sub.headers.get('corro-query-id')).toBe('sub-1');
    backend.emit({ change: ['delete', 1, [1, 'a'], 6] });
    const first = await sub.events[Symbol.asyncIterator]().next();
    expect(first.value).toEqual({ change: ['delete', 1, [1, 'a'], 6] });
    sub.close();
  });

  it('ends the stream with an error line when the backend reports one', async () => {
    const sub = await new CorroClient(server.url).subscribe('SELECT id FROM svc', { skipRows: true });
    const events: unknown[] = [];
    const done = (async () => {
      for await (const e of sub.events) events.push(e);
    })();
    await waitFor(() => backend.streams.size === 1);
    backend.emit({ error: 'subscriber too slow' });
    for (const s of backend.streams) s.close();
    await done;
    expect(events.at(-1)).toEqual({ error: 'subscriber too slow' });
  });
});

describe('status endpoints', () => {
  it('health answers 200 within thresholds and 503 past them, naming what fails', async () => {
    let r = await fetch(`${server.url}/v1/health`);
    expect(r.status).toBe(200);
    expect(await body(r)).toEqual({ response: { gaps: 0, members: 1, p99_lag: 0, queue_size: 0 } });
    backend.health_ = { members: 1, gaps: 12, p99LagSec: 3, queueSize: 0 };
    r = await fetch(`${server.url}/v1/health?gaps=10&p99_lag=5`);
    expect(r.status).toBe(503);
    expect((await body(r)).failing).toEqual(['gaps 12 > 10']);
    r = await fetch(`${server.url}/v1/health?members=3`);
    expect(r.status).toBe(503);
    r = await fetch(`${server.url}/v1/health?gaps=abc`);
    expect(r.status).toBe(400);
  });

  it('lists members, serves Prometheus text with HTTP and backend metrics', async () => {
    expect(await new CorroClient(server.url).members()).toEqual(backend.members());
    await fetch(`${server.url}/v1/health`);
    const text = await new CorroClient(server.url).metrics();
    expect(text).toMatch(/corro_http_requests_total\{route="health",status="200"\} 1/);
    expect(text).toMatch(/fake_backend_up 1/);
  });

  it('applies migrations and backs up to a new file', async () => {
    const client = new CorroClient(server.url);
    await client.migrate(['CREATE TABLE extra (k TEXT NOT NULL PRIMARY KEY, v TEXT)']);
    expect(backend.migrations).toHaveLength(1);
    await expect(client.migrate(['DROP TABLE svc'])).rejects.toThrow(/only CREATE/);
    const dir = mkdtempSync(join(tmpdir(), 'corro-http-'));
    try {
      await client.backup(join(dir, 'snap.db'));
      await expect(client.backup('relative.db')).rejects.toThrow(/absolute/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers unknown paths with 404 and wrong methods with 405, as JSON', async () => {
    let r = await fetch(`${server.url}/v2/nothing`);
    expect(r.status).toBe(404);
    expect((await body(r)).error).toMatch(/no such endpoint/);
    r = await fetch(`${server.url}/v1/transactions`);
    expect(r.status).toBe(405);
    expect((await body(r)).error).toMatch(/GET not allowed.*POST/);
  });
});

describe('bounds and auth', () => {
  let guarded: ApiServer;
  afterAll(async () => guarded?.close());

  it('requires the bearer token when one is configured', async () => {
    guarded = await startApiServer({ backend, addr: '127.0.0.1:0', token: 's3cret' });
    let r = await fetch(`${guarded.url}/v1/members`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    r = await fetch(`${guarded.url}/v1/members`, { headers: { authorization: 'Bearer wrong' } });
    expect(r.status).toBe(401);
    expect(await new CorroClient(guarded.url, 's3cret').members()).toHaveLength(1);
    await guarded.close();
  });

  it('does not serve /metrics when turned off', async () => {
    guarded = await startApiServer({ backend, addr: '127.0.0.1:0', serveMetrics: false });
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${guarded.url}/v1/health`)).status).toBe(200);
    await guarded.close();
  });

  it('refuses requests past the concurrency bound with 503 and Retry-After', async () => {
    guarded = await startApiServer({ backend, addr: '127.0.0.1:0', maxConcurrentRequests: 1 });
    // Hold one request open by sending headers and only part of its body.
    const held = request(`${guarded.url}/v1/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
    });
    held.on('error', () => {});
    held.write('[');
    await waitFor(
      async () =>
        (await guarded.registry.getSingleMetric('corro_http_in_flight_requests')?.get())?.values[0]?.value ===
        1,
    );
    const r = await fetch(`${guarded.url}/v1/members`);
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('1');
    expect((await body(r)).error).toMatch(/too many concurrent requests \(limit 1\)/);
    held.destroy();
    await guarded.close();
  });

  it('binds to loopback by default', () => {
    expect(parseHostPort(API_DEFAULTS.addr).host).toBe('127.0.0.1');
    expect(parseHostPort('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(() => parseHostPort('localhost')).toThrow(/expected host:port/);
  });
});

async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
