import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { Store } from '../../src/store/store.js';
import { SubscriptionManager } from '../../src/subscriptions/manager.js';
import { storeSubscriptionSource } from '../../src/subscriptions/store-source.js';
import { Reader, ResultView } from './helpers.js';

const SCHEMA = `
  CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, port INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE host (svc_id INTEGER NOT NULL, host TEXT NOT NULL, up INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (svc_id, host));
`;
const QUERIES = [
  'SELECT id, name, port FROM svc',
  'SELECT s.id, s.name, h.svc_id, h.host FROM svc s JOIN host h ON h.svc_id = s.id WHERE h.up = 1',
  'SELECT name, count(*) FROM svc GROUP BY name',
];

const op = fc.record({
  remote: fc.boolean(),
  kind: fc.constantFrom('svc', 'svc-del', 'host', 'host-del', 'settle'),
  id: fc.integer({ min: 1, max: 5 }),
  name: fc.constantFrom('a', 'b', null),
  n: fc.integer({ min: 0, max: 2 }),
});

const dir = mkdtempSync(join(tmpdir(), 'corro-subs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runNo = 0;

describe('subscriptions over a real store (property)', () => {
  it('local and remote writes: the rebuilt result equals the query at the end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const sched = new VirtualScheduler();
        const rt = (seed: number) => ({ clock: sched.clock, rng: seededRng(seed), scheduler: sched });
        const file = join(dir, `a${runNo++}.db`);
        const a = Store.open({ path: file, schema: SCHEMA, runtime: rt(1) });
        const b = Store.open({ path: ':memory:', schema: SCHEMA, runtime: rt(2) });
        const source = storeSubscriptionSource(a, file);
        const mgr = new SubscriptionManager(source, rt(3));
        const subs = QUERIES.map((sql) => ({
          sql,
          reader: new Reader(mgr.subscribe(sql)),
          view: new ResultView(),
        }));
        try {
          for (const o of ops) {
            if (o.kind === 'settle') {
              sched.runFor(0);
              for (const s of subs) s.view.apply(await s.reader.take());
              continue;
            }
            const sql =
              o.kind === 'svc'
                ? [
                    'INSERT INTO svc (id, name, port) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, port = excluded.port',
                    [o.id, o.name, o.n],
                  ]
                : o.kind === 'svc-del'
                  ? ['DELETE FROM svc WHERE id = ?', [o.id]]
                  : o.kind === 'host'
                    ? [
                        'INSERT OR REPLACE INTO host (svc_id, host, up) VALUES (?, ?, ?)',
                        [o.id, `h${o.n}`, o.n % 2],
                      ]
                    : ['DELETE FROM host WHERE svc_id = ?', [o.id]];
            // A remote write is made on b and reaches a as a changeset through store.apply.
            const cs = (o.remote ? b : a).exec(sql[0] as string, sql[1] as unknown[]);
            if (cs) (o.remote ? a : b).apply([cs]);
            sched.runFor(0);
          }
          sched.runFor(0);
          for (const s of subs) {
            s.view.apply(await s.reader.take());
            expect(s.view.errors).toEqual([]);
            const expected = (a.query(s.sql) as Record<string, unknown>[])
              .map((r) => JSON.stringify(Object.values(r)))
              .sort();
            expect(s.view.sorted(), s.sql).toEqual(expected);
          }
        } finally {
          mgr.close();
          source.close();
          a.close();
          b.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
