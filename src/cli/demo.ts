// Store demo for `npm start`: two in-memory stores write concurrently, swap changesets in
// opposite orders and end with identical tables. Replaced by the fleet demo once it exists.
import { Store } from '../store/store.js';
import type { Changeset } from '../store/types.js';

const schema = `
  CREATE TABLE services (name TEXT NOT NULL PRIMARY KEY, host TEXT, port INTEGER, healthy INTEGER NOT NULL DEFAULT 1);
  CREATE TABLE notes (id INTEGER NOT NULL PRIMARY KEY, body TEXT);
`;

const a = Store.open({ path: ':memory:', schema });
const b = Store.open({ path: ':memory:', schema });
const fromA: Changeset[] = [];
const fromB: Changeset[] = [];
const keep = (list: Changeset[], cs: Changeset | null) => {
  if (cs) list.push(cs);
};

keep(fromA, a.exec("INSERT INTO services VALUES ('api', 'host-a', 8080, 1), ('db', 'host-a', 5432, 1)"));
keep(fromB, b.exec("INSERT INTO services VALUES ('api', 'host-b', 9090, 1), ('cache', 'host-b', 6379, 1)"));
keep(
  fromA,
  a.transaction((tx) => {
    tx.exec('UPDATE services SET healthy = 0 WHERE name = ?', ['db']);
    tx.exec('INSERT INTO notes VALUES (1, ?)', ['db is down on host-a']);
  }),
);
keep(fromB, b.exec('UPDATE services SET port = 9443 WHERE name = ?', ['api']));
keep(fromB, b.exec('INSERT INTO notes VALUES (2, ?)', ['cache added']));

// Deliver in reverse order with a duplicate: pending changesets wait for their dependencies.
console.log('a applies', JSON.stringify(a.apply([...fromB].reverse().concat(fromB.slice(0, 1)))));
console.log('b applies', JSON.stringify(b.apply(fromA)));

const dump = (s: Store) =>
  JSON.stringify({
    services: s.query('SELECT * FROM services ORDER BY name'),
    notes: s.query('SELECT * FROM notes ORDER BY id'),
  });
for (const [name, s] of [
  ['a', a],
  ['b', b],
] as const) {
  console.log(`\nstore ${name} (actor ${s.actorId.slice(0, 8)}):`);
  console.table(s.query('SELECT * FROM services ORDER BY name'));
  console.table(s.query('SELECT * FROM notes ORDER BY id'));
}
const same = dump(a) === dump(b);
console.log(same ? 'converged: both stores hold identical tables' : 'NOT converged');
a.close();
b.close();
process.exitCode = same ? 0 : 1;
