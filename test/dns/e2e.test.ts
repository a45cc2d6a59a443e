import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import type { DnsServer } from '../../src/dns/dns-server.js';
import { startDnsServer } from '../../src/dns/dns-server.js';
import { livenessFromMembers } from '../../src/dns/fleet-reader.js';
import { FLEET_SCHEMA_SQL } from '../../src/dns/fleet-schema.js';
import { waitFor } from './dns-client.js';

describe('end to end: a write on one agent resolves through DNS on another', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corro-dns-e2e-'));
  const key = randomBytes(32);
  const agents: Agent[] = [];
  let dns: DnsServer;
  let resolver: Resolver;

  beforeAll(async () => {
    const start = (name: string, bootstrap: string[]) =>
      Agent.start({
        dataDir: join(dir, name),
        schema: FLEET_SCHEMA_SQL,
        gossip: { addr: '127.0.0.1:0', bootstrap, preset: 'local', keys: [key] },
      });
    const a = await start('a', []);
    agents.push(a);
    agents.push(await start('b', [a.gossipAddr]));
    const b = agents[1] as Agent;
    const query = (sql: string, p?: readonly unknown[]) => b.query(sql, p ? [...p] : undefined);
    dns = await startDnsServer({
      addr: '127.0.0.1:0',
      query,
      localRegion: 'iad',
      hostLiveness: livenessFromMembers(query, () => b.members()),
    });
    resolver = new Resolver({ timeout: 1000, tries: 2 });
    resolver.setServers([`127.0.0.1:${dns.port}`]);
  });
  afterAll(async () => {
    await dns?.close();
    await Promise.all(agents.map((a) => a.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const answer = async (name: string): Promise<string[]> => resolver.resolve6(name).catch(() => []);

  it('a machine inserted on agent A is answered by agent B, and leaves when A stops it', async () => {
    const a = agents[0] as Agent;
    a.exec("INSERT INTO hosts (id, region, actor_id) VALUES ('fra-1', 'fra', ?)", [a.actorId]);
    a.exec(
      "INSERT INTO machines (id, app, region, process_group, ipv6, state, host_id) VALUES ('m1', 'web', 'fra', 'app', 'fdaa::1', 'started', 'fra-1')",
    );
    await expect.poll(() => answer('web.internal'), { timeout: 30_000, interval: 20 }).toEqual(['fdaa::1']);
    expect(await answer('m1.vm.web.internal')).toEqual(['fdaa::1']);
    expect(await answer('top1.nearest.of.web.internal')).toEqual(['fdaa::1']);

    a.exec("UPDATE machines SET state = 'stopped' WHERE id = 'm1'");
    await expect.poll(() => answer('web.internal'), { timeout: 30_000, interval: 20 }).toEqual([]);
    await expect(resolver.resolve6('web.internal')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it("a host that leaves the cluster drops out of the other agent's answers", async () => {
    const a = agents[0] as Agent;
    a.exec("UPDATE machines SET state = 'started' WHERE id = 'm1'");
    await expect.poll(() => answer('web.internal'), { timeout: 30_000, interval: 20 }).toEqual(['fdaa::1']);
    await a.close();
    // B sees A as left: A's rows stay, but its machine is no longer answered.
    const b = agents[1] as Agent;
    expect(
      await waitFor(() => b.members().some((m) => m.actorId === a.actorId && m.state !== 'alive'), 30_000),
    ).toBe(true);
    await expect.poll(() => answer('web.internal'), { timeout: 30_000, interval: 20 }).toEqual([]);
    expect(b.query('SELECT COUNT(*) AS n FROM machines')).toEqual([{ n: 1 }]);
  });
});
