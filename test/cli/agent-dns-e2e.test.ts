import { Resolver } from 'node:dns/promises';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorroClient } from '../../src/http/client.js';
import { type AgentProcess, freePort, makeNodeDir, type NodeDir, spawnAgent, waitFor } from './harness.js';

// `corro agent` with a [dns] section serves `.internal` names from the replicated fleet tables:
// a machine published through one agent's API resolves through the other agent's DNS.
const SCHEMA = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'fleet-schema.sql'), 'utf8');
const nodes: NodeDir[] = [];
const agents: AgentProcess[] = [];
let dnsPort = 0;

beforeAll(async () => {
  const gossip = [await freePort(), await freePort()];
  dnsPort = await freePort();
  const seed = `127.0.0.1:${gossip[0]}`;
  nodes.push(makeNodeDir(SCHEMA, '', seed));
  nodes.push(
    makeNodeDir(
      SCHEMA,
      `\n[dns]\naddr = "127.0.0.1:${dnsPort}"\nregion = "ams"\n`,
      `127.0.0.1:${gossip[1]}`,
      [seed],
    ),
  );
  agents.push(...(await Promise.all(nodes.map((n) => spawnAgent(n.config)))));
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
});

describe('corro agent [dns]', () => {
  it('answers a name written on another agent, and NXDOMAIN for an unknown app', async () => {
    const writer = new CorroClient(agents[0]!.url);
    await writer.transaction([
      ["INSERT INTO hosts (id, region) VALUES ('fra-1', 'fra')", []],
      [
        "INSERT INTO machines (id, app, region, ipv6, state, host_id) VALUES ('m1', 'web', 'fra', 'fdaa::1', 'started', 'fra-1')",
        [],
      ],
    ]);
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dnsPort}`]);
    let answer: string[] = [];
    await waitFor(async () => {
      answer = await resolver.resolve6('web.internal').catch(() => []);
      return answer.length > 0;
    }, 30_000);
    expect(answer).toEqual(['fdaa::1']);
    await expect(resolver.resolve6('nosuchapp.internal')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
