import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { SubscriptionManager } from '../../src/subscriptions/manager.js';
import { FakeSource, Reader, ResultView, sortedRows } from './helpers.js';

const SCHEMA = `
  CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, port INTEGER DEFAULT 0);
  CREATE TABLE host (svc_id INTEGER NOT NULL, host TEXT NOT NULL, up INTEGER DEFAULT 1, PRIMARY KEY (svc_id, host));
`;

// Queries chosen to exercise each identity mode: primary keys, a join, whole-row identity
// (no key selected), duplicates (UNION ALL) and an aggregate.
const QUERIES = [
  'SELECT id, name, port FROM svc',
  'SELECT s.id, s.name, h.svc_id, h.host, h.up FROM svc s JOIN host h ON h.svc_id = s.id WHERE h.up = 1',
  'SELECT name FROM svc WHERE id IN (SELECT svc_id FROM host)',
  'SELECT port FROM svc UNION ALL SELECT up FROM host',
  'SELECT count(*), sum(port) FROM svc',
];

const write = fc.oneof(
  fc.record({
    t: fc.constant('svc-up' as const),
    id: fc.integer({ min: 1, max: 6 }),
    name: fc.constantFrom('a', 'b', null),
    port: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ t: fc.constant('svc-del' as const), id: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    t: fc.constant('host-up' as const),
    id: fc.integer({ min: 1, max: 6 }),
    host: fc.constantFrom('h1', 'h2'),
    up: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({ t: fc.constant('host-del' as const), id: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ t: fc.constant('settle' as const) }),
);

describe('subscriptions (property)', () => {
  it('a subscriber rebuilding the result from its events always equals the query run at the end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { maxLength: 40 }),
        fc.integer({ min: 0, max: 40 }),
        async (writes, joinAt) => {
          const src = new FakeSource(SCHEMA);
          const sched = new VirtualScheduler();
          const mgr = new SubscriptionManager(src, {
            clock: sched.clock,
            rng: seededRng(7),
            scheduler: sched,
          });
          const subs: { sql: string; reader: Reader; view: ResultView }[] = [];
          const join = () => {
            for (const sql of QUERIES) {
              const reader = new Reader(mgr.subscribe(sql));
              subs.push({ sql, reader, view: new ResultView() });
            }
          };
          join();
          for (const [i, w] of writes.entries()) {
            // A second set of subscribers joins midway: they share the matchers of the first.
            if (i === joinAt) join();
            if (w.t === 'svc-up') {
              src.write(
                'INSERT INTO svc VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, port = excluded.port',
                ['svc'],
                [w.id, w.name, w.port],
              );
            } else if (w.t === 'svc-del') {
              src.write('DELETE FROM svc WHERE id = ?', ['svc'], [w.id]);
            } else if (w.t === 'host-up') {
              src.write('INSERT OR REPLACE INTO host VALUES (?, ?, ?)', ['host'], [w.id, w.host, w.up]);
            } else if (w.t === 'host-del') {
              src.write('DELETE FROM host WHERE svc_id = ?', ['host'], [w.id]);
            } else {
              sched.runFor(0);
              for (const s of subs) s.view.apply(await s.reader.take());
            }
          }
          sched.runFor(0);
          for (const s of subs) {
            s.view.apply(await s.reader.take());
            expect(s.view.errors).toEqual([]);
            expect(s.view.sorted(), s.sql).toEqual(sortedRows(src.db, s.sql));
          }
          mgr.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
