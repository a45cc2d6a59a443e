import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '../../src/dns/dns-server.js';
import { startDnsServer } from '../../src/dns/dns-server.js';
import { livenessFromMembers } from '../../src/dns/fleet-reader.js';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import { TcpDnsClient, waitFor } from './dns-client.js';
import { FleetFixture } from './fleet-fixture.js';

describe('machines of hosts membership declares dead leave the answers', () => {
  const fleet = new FleetFixture();
  const members = [
    { actorId: 'actor-a', state: 'alive' },
    { actorId: 'actor-b', state: 'alive' },
  ];
  let server: DnsServer;
  let resolver: Resolver;
  let a: string;
  let b: string;
  let c: string;

  beforeAll(async () => {
    fleet.host('ams-1', 'ams', { actor_id: 'actor-a' });
    fleet.host('iad-1', 'iad', { actor_id: 'actor-b' });
    fleet.host('syd-1', 'syd', { actor_id: 'actor-never-seen' });
    a = fleet.machine('web', 'ams', { host_id: 'ams-1' }).ipv6;
    b = fleet.machine('web', 'iad', { host_id: 'iad-1' }).ipv6;
    c = fleet.machine('web', 'syd', { host_id: 'syd-1' }).ipv6;
    server = await startDnsServer({
      addr: '127.0.0.1:0',
      query: fleet.query,
      hostLiveness: livenessFromMembers(fleet.query, () => members),
    });
    resolver = new Resolver({ timeout: 3000, tries: 2 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const set = (actorId: string, state: string): void => {
    const m = members.find((x) => x.actorId === actorId);
    if (m) m.state = state;
  };

  it('alive, suspect and unknown hosts are answered; dead and left ones are not', async () => {
    expect((await resolver.resolve6('web.internal')).sort()).toEqual([a, b, c].sort());
    set('actor-b', 'suspect');
    expect((await resolver.resolve6('web.internal')).sort()).toEqual([a, b, c].sort());
    set('actor-b', 'dead');
    expect((await resolver.resolve6('web.internal')).sort()).toEqual([a, c].sort());
    // The name still exists: its rows are there, just not answerable.
    await expect(resolver.resolve6('iad.web.internal')).rejects.toMatchObject({ code: 'ENODATA' });
    set('actor-a', 'left');
    expect(await resolver.resolve6('web.internal')).toEqual([c]);
    set('actor-a', 'alive');
    set('actor-b', 'alive');
    expect((await resolver.resolve6('web.internal')).sort()).toEqual([a, b, c].sort());
  });
});

describe('TCP idle timeout in virtual time', () => {
  it('closes a connection idle for tcpIdleTimeoutMs, on the injected scheduler', async () => {
    const vs = new VirtualScheduler();
    const server = await startDnsServer({
      addr: '127.0.0.1:0',
      query: () => [],
      tcpIdleTimeoutMs: 10_000,
      runtime: { clock: vs.clock, rng: seededRng(1), scheduler: vs },
    });
    try {
      const c = await TcpDnsClient.open(server.port);
      expect(await waitFor(() => server.stats().tcpAccepted === 1)).toBe(true);
      vs.runFor(9_999);
      // The idle timer runs inside runFor, so the counter is already final here.
      expect(server.stats().tcpClosedIdle).toBe(0);
      vs.runFor(2);
      await c.whenClosed();
      expect(server.stats().tcpClosedIdle).toBe(1);
    } finally {
      await server.close();
    }
  });
});
