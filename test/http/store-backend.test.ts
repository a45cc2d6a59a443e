import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryEvent } from '../../src/http/backend.js';
import { CorroClient } from '../../src/http/client.js';
import { type ApiServer, startApiServer } from '../../src/http/server.js';
import { StoreBackend } from '../../src/http/store-backend.js';
import { realRuntime } from '../../src/runtime/real-runtime.js';
import { Store } from '../../src/store/store.js';
import { SubscriptionManager } from '../../src/subscriptions/manager.js';
import { storeSubscriptionSource } from '../../src/subscriptions/store-source.js';

// The HTTP API over a real store, in this process.
const SCHEMA =
  'CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, port INTEGER NOT NULL DEFAULT 0);';

let dir: string;
let store: Store;
let source: ReturnType<typeof storeSubscriptionSource>;
let subs: SubscriptionManager;
let backend: StoreBackend;
let server: ApiServer;
let client: CorroClient;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'corro-sb-'));
  const file = join(dir, 'db.sqlite');
  store = Store.open({ path: file, schema: SCHEMA });
  source = storeSubscriptionSource(store, file);
  subs = new SubscriptionManager(source, realRuntime(), { maxBufferedEvents: 5 });
  backend = new StoreBackend({ store, dbFile: file, subscriptions: subs });
  server = await startApiServer({ backend, addr: '127.0.0.1:0' });
  client = new CorroClient(server.url);
});
afterEach(async () => {
  await server.close();
  backend.close();
  subs.close();
  source.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StoreBackend over HTTP', () => {
  it('a query streaming to a client does not block writes', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [
      'INSERT INTO svc (id, name) VALUES (?, ?)',
      [i, 'x'.repeat(500)],
    ]);
    await client.transaction(rows);
    const stream = await client.query('SELECT id, name FROM svc ORDER BY id');
    const it = stream.events[Symbol.asyncIterator]();
    await it.next(); // columns
    await it.next(); // first row: the query's read transaction is open now
    const res = await client.transaction(['INSERT INTO svc (id) VALUES (1000)']);
    expect(res.version).toBe(2);
    let n = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) if ('row' in r.value) n++;
    // The stream reads its own snapshot: the write made meanwhile is not in it.
    expect(n).toBe(200);
  });

  it('changes from store.apply (remote) and from the API (local) both reach subscribers', async () => {
    const peer = Store.open({ path: ':memory:', schema: SCHEMA });
    try {
      const sub = await client.subscribe('SELECT id, name FROM svc');
      const it = sub.events[Symbol.asyncIterator]();
      const next = async () => (await it.next()).value as QueryEvent;
      expect(await next()).toEqual({ columns: ['id', 'name'] });
      expect(await next()).toMatchObject({ eoq: { change_id: 0 } });
      const cs = peer.exec("INSERT INTO svc (id, name) VALUES (7, 'remote')");
      store.apply([cs!]);
      expect(await next()).toEqual({ change: ['insert', 1, [7, 'remote'], 1] });
      await client.transaction(["UPDATE svc SET name = 'local' WHERE id = 7"]);
      expect(await next()).toEqual({ change: ['update', 1, [7, 'local'], 2] });
      sub.close();
    } finally {
      peer.close();
    }
  });

  it('drops a consumer past its bound with an error line, and the stream ends', async () => {
    const sub = await client.subscribe('SELECT id FROM svc', { skipRows: true });
    const it = sub.events[Symbol.asyncIterator]();
    await it.next(); // columns
    await it.next(); // eoq
    // One commit of 50 rows produces 50 events at once: more than the bound of 5.
    await client.transaction(Array.from({ length: 50 }, (_, i) => `INSERT INTO svc (id) VALUES (${i})`));
    const rest: QueryEvent[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    expect(rest.at(-1)).toEqual({
      error: 'subscriber fell behind by more than 5 events and was dropped; resubscribe',
    });
    expect(subs.stats().consumers).toBe(0);
  });

  it('maps store refusals to 400 with the reason', async () => {
    await expect(client.migrate(['CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY)'])).rejects.toThrow(
      /name/,
    );
    await expect(client.migrate(['CREATE TABLE t (a TEXT)'])).rejects.toThrow(/primary key/i);
    await expect(client.transaction(['CREATE TABLE x (id INTEGER PRIMARY KEY)'])).rejects.toThrow(/migrate/);
    await client.backup(join(dir, 'snap.db'));
    await expect(client.backup(join(dir, 'snap.db'))).rejects.toThrow(/exists/);
  });
});
