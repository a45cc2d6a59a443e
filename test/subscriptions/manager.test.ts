import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import {
  ResumeFromFutureError,
  ResumeTooOldError,
  SubscriptionNotFoundError,
  SubscriptionSqlError,
  TooManySubscriptionsError,
} from '../../src/subscriptions/errors.js';
import { SubscriptionManager } from '../../src/subscriptions/manager.js';
import { tablesRead } from '../../src/subscriptions/tables-read.js';
import { FakeSource, Reader, ResultView } from './helpers.js';

const SCHEMA = `
  CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, port INTEGER DEFAULT 0);
  CREATE TABLE host (svc_id INTEGER NOT NULL, host TEXT NOT NULL, up INTEGER DEFAULT 1, PRIMARY KEY (svc_id, host));
  CREATE TABLE other (k TEXT NOT NULL PRIMARY KEY, v TEXT);
  CREATE VIEW up_hosts AS SELECT svc_id, host FROM host WHERE up = 1;
`;

let src: FakeSource;
let sched: VirtualScheduler;
let mgr: SubscriptionManager;

beforeEach(() => {
  src = new FakeSource(SCHEMA);
  sched = new VirtualScheduler();
  mgr = new SubscriptionManager(
    src,
    { clock: sched.clock, rng: seededRng(1), scheduler: sched },
    {
      retainedChanges: 5,
      maxBufferedEvents: 8,
      maxSubscriptions: 3,
      idleTimeoutMs: 1000,
    },
  );
});
afterEach(() => mgr.close());

const settle = () => sched.runFor(0);

describe('tablesRead', () => {
  it('finds every table a query reads, through joins, subqueries, CTEs and views', () => {
    expect(tablesRead(src.db, 'SELECT * FROM svc', [])).toEqual(['svc']);
    expect(tablesRead(src.db, 'SELECT s.name, h.host FROM svc s JOIN host h ON h.svc_id = s.id', [])).toEqual(
      ['host', 'svc'],
    );
    expect(
      tablesRead(src.db, 'SELECT name FROM svc WHERE id IN (SELECT svc_id FROM host WHERE up = ?)', [1]),
    ).toEqual(['host', 'svc']);
    expect(tablesRead(src.db, 'WITH x AS (SELECT k FROM other) SELECT count(*) FROM x', [])).toEqual([
      'other',
    ]);
    expect(tablesRead(src.db, 'SELECT * FROM up_hosts', [])).toEqual(['host']);
    expect(tablesRead(src.db, 'SELECT 1', [])).toEqual([]);
  });
});

describe('SubscriptionManager', () => {
  it('sends columns, initial rows, eoq, then insert/update/delete with contiguous change ids', async () => {
    src.write("INSERT INTO svc VALUES (1, 'a', 80)", ['svc']);
    const sub = mgr.subscribe('SELECT id, name, port FROM svc WHERE port > ?', [10]);
    const r = new Reader(sub);
    expect(await r.take()).toEqual([
      { columns: ['id', 'name', 'port'] },
      { row: [1, [1, 'a', 80]] },
      { eoq: { time: 0, change_id: 0 } },
    ]);
    src.write("INSERT INTO svc VALUES (2, 'b', 90)", ['svc']);
    src.write("UPDATE svc SET name = 'A' WHERE id = 1", ['svc']);
    settle();
    src.write('DELETE FROM svc WHERE id = 2', ['svc']);
    src.write('UPDATE svc SET port = 5 WHERE id = 1', ['svc']); // leaves the result: a delete
    settle();
    expect(await r.take()).toEqual([
      { change: ['update', 1, [1, 'A', 80], 1] },
      { change: ['insert', 2, [2, 'b', 90], 2] },
      { change: ['delete', 1, [1, 'A', 80], 3] },
      { change: ['delete', 2, [2, 'b', 90], 4] },
    ]);
  });

  it('reacts to every table of a join and ignores tables it does not read', async () => {
    src.write("INSERT INTO svc VALUES (1, 'web', 80)", ['svc']);
    const sub = mgr.subscribe(
      'SELECT s.id, s.name, h.svc_id, h.host FROM svc s JOIN host h ON h.svc_id = s.id',
    );
    const view = new ResultView();
    const r = new Reader(sub);
    view.apply(await r.take());
    expect(view.rows.size).toBe(0);
    src.write("INSERT INTO host VALUES (1, 'h1', 1)", ['host']);
    settle();
    view.apply(await r.take());
    expect(view.sorted()).toEqual(['[1,"web",1,"h1"]']);
    src.write("UPDATE svc SET name = 'www' WHERE id = 1", ['svc']);
    settle();
    const evs = await r.take();
    expect(evs).toEqual([{ change: ['update', 1, [1, 'www', 1, 'h1'], 2] }]);
    src.write("INSERT INTO other VALUES ('k', 'v')", ['other']);
    settle();
    expect(await r.take()).toEqual([]);
  });

  it('shares one query between identical SQL and parameters', async () => {
    const a = mgr.subscribe('SELECT id FROM svc', []);
    const b = mgr.subscribe('  SELECT   id FROM svc ', []);
    const c = mgr.subscribe('SELECT id FROM svc WHERE id > ?', [0]);
    expect(b.id).toBe(a.id);
    expect(b.hash).toBe(a.hash);
    expect(c.id).not.toBe(a.id);
    expect(mgr.stats()).toEqual({ subscriptions: 2, consumers: 3, droppedConsumers: 0 });
    const ra = new Reader(a);
    const rb = new Reader(b);
    await ra.take();
    await rb.take();
    src.write("INSERT INTO svc VALUES (3, 'c', 1)", ['svc']);
    settle();
    expect(await ra.take()).toEqual(await rb.take());
  });

  it('resumes from a change id within the retained history, and refuses older or future ids', async () => {
    const sub = mgr.subscribe('SELECT id, name FROM svc');
    await new Reader(sub).take();
    for (let i = 1; i <= 7; i++) {
      src.write('INSERT INTO svc (id, name) VALUES (?, ?)', ['svc'], [i, `n${i}`]);
      settle();
    }
    sub.close();
    // 7 changes, 5 retained (3..7): resuming after 2 works, after 1 does not.
    const resumed = mgr.attach(sub.id, { from: 4 });
    const evs = await new Reader(resumed).take();
    expect(evs[0]).toEqual({ columns: ['id', 'name'] });
    expect(evs.slice(1).map((e) => ('change' in e ? e.change[3] : -1))).toEqual([5, 6, 7]);
    expect(new Reader(mgr.attach(sub.id, { from: 2 }))).toBeDefined();
    expect(() => mgr.attach(sub.id, { from: 1 })).toThrow(ResumeTooOldError);
    expect(() => mgr.attach(sub.id, { from: 1 })).toThrow(/oldest resumable: 2/);
    expect(() => mgr.attach(sub.id, { from: 9 })).toThrow(ResumeFromFutureError);
    expect(() => mgr.attach('nope')).toThrow(SubscriptionNotFoundError);
    expect(() => mgr.subscribe('SELECT id FROM svc WHERE id = 99', [], { from: 3 })).toThrow(
      SubscriptionNotFoundError,
    );
  });

  it('drops a consumer that falls behind with an error event, and keeps the others', async () => {
    const slow = mgr.subscribe('SELECT id FROM svc');
    const fast = mgr.subscribe('SELECT id FROM svc');
    const rf = new Reader(fast);
    const vf = new ResultView();
    vf.apply(await rf.take());
    for (let i = 1; i <= 12; i++) {
      src.write('INSERT INTO svc (id) VALUES (?)', ['svc'], [i]);
      settle();
      vf.apply(await rf.take());
    }
    const evs = await new Reader(slow).take();
    expect(evs.at(-1)).toEqual({
      error: 'subscriber fell behind by more than 8 events and was dropped; resubscribe',
    });
    expect(vf.rows.size).toBe(12);
    expect(mgr.stats()).toMatchObject({ consumers: 1, droppedConsumers: 1 });
  });

  it('refuses bad SQL, writes, and more distinct queries than the bound', () => {
    expect(() => mgr.subscribe('SELEC 1')).toThrow(SubscriptionSqlError);
    expect(() => mgr.subscribe('SELECT * FROM nope')).toThrow(/no such table: nope/);
    expect(() => mgr.subscribe('INSERT INTO svc (id) VALUES (1)')).toThrow(/read-only/);
    expect(() => mgr.subscribe('DELETE FROM svc RETURNING id')).toThrow(/read-only/);
    mgr.subscribe('SELECT 1');
    mgr.subscribe('SELECT 2');
    mgr.subscribe('SELECT 3');
    expect(() => mgr.subscribe('SELECT 4')).toThrow(TooManySubscriptionsError);
  });

  it('removes a subscription without consumers after the idle timeout', async () => {
    const sub = mgr.subscribe('SELECT id FROM svc');
    sub.close();
    sched.runFor(999);
    expect(mgr.attach(sub.id)).toBeDefined();
    mgr.attach(sub.id).close();
    // Two consumers attached and closed above; idle timer restarts after the last one.
  });

  it('forgets an idle subscription once the timeout passed with no consumer', () => {
    const sub = mgr.subscribe('SELECT id FROM svc');
    sub.close();
    sched.runFor(1001);
    expect(() => mgr.attach(sub.id)).toThrow(SubscriptionNotFoundError);
    expect(mgr.stats()).toEqual({ subscriptions: 0, consumers: 0, droppedConsumers: 0 });
  });

  it('ends consumers with an error when the query stops working', async () => {
    const sub = mgr.subscribe('SELECT k, v FROM other');
    const r = new Reader(sub);
    await r.take();
    src.db.exec('DROP TABLE other');
    src.write("INSERT INTO svc VALUES (1, 'a', 1)", ['other']);
    settle();
    const evs = await r.take();
    expect(evs).toEqual([{ error: 'subscription query failed: no such table: other' }]);
    expect(r.done).toBe(true);
  });
});
