import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEvent } from '../../src/http/backend.js';
import { CorroClient } from '../../src/http/client.js';
import {
  type AgentProcess,
  cli,
  freePort,
  makeNodeDir,
  type NodeDir,
  spawnAgent,
  waitFor,
} from './harness.js';

// Three real `corro agent` processes gossiping on loopback: writes on any node reach every
// node, subscriptions see remote writes, and the CLI reports the cluster.
const SCHEMA = 'CREATE TABLE svc (id INTEGER NOT NULL PRIMARY KEY, name TEXT, node TEXT);';
const N = 3;
const nodes: NodeDir[] = [];
const agents: AgentProcess[] = [];
let clients: CorroClient[] = [];

beforeAll(async () => {
  const ports: number[] = [];
  for (let i = 0; i < N; i++) ports.push(await freePort());
  const seed = `127.0.0.1:${ports[0]}`;
  for (let i = 0; i < N; i++) {
    nodes.push(makeNodeDir(SCHEMA, '', `127.0.0.1:${ports[i]}`, i === 0 ? [] : [seed]));
  }
  agents.push(...(await Promise.all(nodes.map((n) => spawnAgent(n.config)))));
  clients = agents.map((a) => new CorroClient(a.url));
}, 60_000);
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
});

async function rows(c: CorroClient, sql: string): Promise<unknown[][]> {
  const s = await c.query(sql);
  const out: unknown[][] = [];
  for await (const e of s.events) if ('row' in e) out.push([...e.row[1]]);
  return out;
}

describe('a three-node cluster of corro agents', () => {
  it('every node sees every member alive', async () => {
    await waitFor(async () => {
      const all = await Promise.all(clients.map((c) => c.members()));
      return all.every((m) => (m as { state: string }[]).filter((x) => x.state === 'alive').length === N);
    }, 30_000);
    const r = await cli(['--api', agents[1]!.addr, 'cluster', 'members']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toHaveLength(2 + N);
    expect((await clients[2]!.health({ members: String(N) })).status).toBe(200);
  });

  it('writes on every node converge, and a subscription sees remote writes', async () => {
    const sub = await clients[2]!.subscribe('SELECT id, name, node FROM svc');
    const events: QueryEvent[] = [];
    const reading = (async () => {
      for await (const e of sub.events) events.push(e);
    })();
    for (let i = 0; i < N; i++) {
      await clients[i]!.transaction([
        ['INSERT INTO svc (id, name, node) VALUES (?, ?, ?)', [i + 1, `svc${i + 1}`, `n${i}`]],
      ]);
    }
    await clients[0]!.transaction(["UPDATE svc SET name = 'renamed' WHERE id = 2"]);
    const expected = [
      [1, 'svc1', 'n0'],
      [2, 'renamed', 'n1'],
      [3, 'svc3', 'n2'],
    ];
    for (const c of clients) {
      await waitFor(
        async () =>
          JSON.stringify(await rows(c, 'SELECT id, name, node FROM svc ORDER BY id')) ===
          JSON.stringify(expected),
        30_000,
      );
    }
    // The subscriber on node 2 rebuilds the same rows from its events, remote ones included.
    await waitFor(() => {
      const view = new Map<number, readonly unknown[]>();
      for (const e of events) {
        if ('row' in e) view.set(e.row[0], e.row[1]);
        if ('change' in e) {
          if (e.change[0] === 'delete') view.delete(e.change[1]);
          else view.set(e.change[1], e.change[2]);
        }
      }
      const got = [...view.values()].map((r) => JSON.stringify(r)).sort();
      return JSON.stringify(got) === JSON.stringify(expected.map((r) => JSON.stringify(r)).sort());
    }, 30_000);
    sub.close();
    await reading;
    const ids = events.flatMap((e) => ('change' in e ? [e.change[3]] : []));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
  });
});
