import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MigrationError, SchemaError } from '../../src/store/errors.js';
import { parseSchema } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';
import { tempDbFiles, testRuntime } from './helpers.js';

const file = tempDbFiles('corro-schema-');

function rule(schema: string): [string, string] {
  try {
    parseSchema(schema);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    return [(e as SchemaError).table, (e as SchemaError).rule];
  }
  throw new Error('schema was accepted');
}

describe('schema rules', () => {
  it.each([
    ['CREATE TABLE t (a TEXT, b TEXT)', 't', 'primary-key'],
    ['CREATE TABLE t (a TEXT PRIMARY KEY, b TEXT)', 't', 'primary-key'],
    ['CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY, b TEXT UNIQUE)', 't', 'unique-index'],
    [
      'CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY, b TEXT); CREATE UNIQUE INDEX tb ON t (b)',
      't',
      'unique-index',
    ],
    [
      'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE t (a INTEGER NOT NULL PRIMARY KEY, p INTEGER REFERENCES p(id))',
      't',
      'foreign-key',
    ],
    ['CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY, b TEXT NOT NULL)', 't', 'not-null-default'],
    ['CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY); CREATE VIEW v AS SELECT * FROM t', '', 'statement'],
    ['CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY); INSERT INTO t VALUES (1)', '', 'statement'],
    ['CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY, b AS (a || a))', 't', 'generated-column'],
    ['CREATE TABLE __corro_x (a TEXT NOT NULL PRIMARY KEY)', '__corro_x', 'reserved-name'],
    ['CREATE TABLE t (a TEXT NOT NULL PRIMARY KEY', '', 'syntax'],
  ])('%s -> %s %s', (schema, table, ruleId) => {
    const [t, r] = rule(schema);
    expect(r).toBe(ruleId);
    if (ruleId !== 'syntax') expect(t).toBe(table);
  });

  it('accepts composite keys, rowid keys, defaults, indexes and comments', () => {
    const s = parseSchema([
      '-- a comment; with a semicolon\nCREATE TABLE a (x TEXT NOT NULL, y INTEGER NOT NULL, z NOT NULL DEFAULT 1, PRIMARY KEY (x, y));',
      'CREATE TABLE b (id INTEGER PRIMARY KEY, "odd; name" TEXT); CREATE INDEX a_z ON a (z);',
    ]);
    expect(s.tables.map((t) => [t.name, t.primaryKey, t.valueColumns])).toEqual([
      ['a', ['x', 'y'], ['z']],
      ['b', ['id'], ['odd; name']],
    ]);
    expect(s.indexes.map((i) => i.name)).toEqual(['a_z']);
  });

  it('a store refuses an invalid schema before creating a file', () => {
    const path = file();
    expect(() => Store.open({ path, schema: 'CREATE TABLE t (a TEXT)', runtime: testRuntime(1) })).toThrow(
      SchemaError,
    );
    expect(existsSync(path)).toBe(false);
  });
});

describe('migrations', () => {
  const v1 = 'CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a TEXT);';

  it('additive changes migrate in place and keep rows', () => {
    const path = file();
    const s = Store.open({ path, schema: v1, runtime: testRuntime(1) });
    s.exec("INSERT INTO t VALUES (1, 'x')");
    s.close();
    const v2 = `CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a TEXT, b INTEGER NOT NULL DEFAULT 7, c TEXT);
      CREATE INDEX t_a ON t (a);
      CREATE TABLE u (k TEXT NOT NULL PRIMARY KEY, v);`;
    const s2 = Store.open({ path, schema: v2, runtime: testRuntime(1) });
    expect(s2.query('SELECT * FROM t')).toEqual([{ id: 1, a: 'x', b: 7, c: null }]);
    const cs = s2.exec("UPDATE t SET c = 'y' WHERE id = 1");
    expect(cs?.version).toBe(2);
    s2.exec("INSERT INTO u VALUES ('k', 1)");
    expect(s2.tables().map((t) => t.name)).toEqual(['t', 'u']);
    s2.close();
  });

  it.each([
    ['drop table', 'CREATE TABLE other (id INTEGER NOT NULL PRIMARY KEY)', 'drop-table'],
    ['drop column', 'CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY)', 'drop-column'],
    ['change type', 'CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a INTEGER)', 'change-type'],
    [
      'change key',
      'CREATE TABLE t (id INTEGER NOT NULL, a TEXT NOT NULL, PRIMARY KEY (id, a))',
      'change-key',
    ],
    [
      'insert column before',
      'CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, z TEXT, a TEXT)',
      'reorder-column',
    ],
  ])('refuses a destructive change (%s) and changes nothing', (_name, schema, ruleId) => {
    const path = file();
    const s = Store.open({ path, schema: v1, runtime: testRuntime(1) });
    s.exec("INSERT INTO t VALUES (1, 'x')");
    s.close();
    let err: unknown;
    try {
      Store.open({ path, schema, runtime: testRuntime(1) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).rule).toBe(ruleId);
    const again = Store.open({ path, schema: v1, runtime: testRuntime(1) });
    expect(again.query('SELECT * FROM t')).toEqual([{ id: 1, a: 'x' }]);
    expect(again.exec("INSERT INTO t VALUES (2, 'y')")?.version).toBe(2);
    again.close();
  });

  it('store.migrate() applies additive changes live and refuses destructive ones', () => {
    const s = Store.open({ path: ':memory:', schema: v1, runtime: testRuntime(1) });
    s.exec("INSERT INTO t VALUES (1, 'x')");
    expect(() => s.migrate('CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY)')).toThrow(MigrationError);
    expect(s.query('SELECT * FROM t')).toEqual([{ id: 1, a: 'x' }]);
    s.migrate('CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a TEXT, n REAL DEFAULT 1.5)');
    s.exec('UPDATE t SET n = 2.5 WHERE id = 1');
    expect(s.query('SELECT * FROM t')).toEqual([{ id: 1, a: 'x', n: 2.5 }]);
    s.close();
  });

  it('rows written before a migration merge with rows written after it', () => {
    const a = Store.open({ path: ':memory:', schema: v1, runtime: testRuntime(1) });
    const b = Store.open({ path: ':memory:', schema: v1, runtime: testRuntime(2) });
    const old = a.exec("INSERT INTO t VALUES (1, 'x')")!;
    const v2 = 'CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a TEXT, n INTEGER DEFAULT 5)';
    a.migrate(v2);
    b.migrate(v2);
    b.apply([old]);
    expect(b.query('SELECT * FROM t')).toEqual([{ id: 1, a: 'x', n: 5 }]);
    const upd = b.exec('UPDATE t SET n = 6 WHERE id = 1')!;
    a.apply([upd]);
    expect(a.query('SELECT * FROM t')).toEqual(b.query('SELECT * FROM t'));
    a.close();
    b.close();
  });
});
