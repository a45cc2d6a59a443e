import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '../../src/dns/dns-server.js';
import { startDnsServer } from '../../src/dns/dns-server.js';
import { FleetFixture } from './fleet-fixture.js';

// One-way-ish latencies between the test regions, ms (symmetric).
const LAT: Record<string, number> = {
  'fra|ams': 8,
  'fra|iad': 45,
  'fra|syd': 160,
  'ams|iad': 40,
  'ams|syd': 165,
  'iad|syd': 115,
};
const latency = (a: string, b: string): number => {
  if (a === b) return 0;
  const v = LAT[`${a}|${b}`] ?? LAT[`${b}|${a}`];
  if (v === undefined) throw new Error(`unknown region pair ${a} ${b}`);
  return v;
};

const sorted = (xs: string[]): string[] => [...xs].sort();

describe('.internal DNS answers through node:dns', () => {
  const fleet = new FleetFixture();
  let server: DnsServer;
  let resolver: Resolver;
  const web: Record<string, string> = {};

  beforeAll(async () => {
    web.ams1 = fleet.machine('web', 'ams', { id: 'aaa1', process_group: 'app' }).ipv6;
    web.ams2 = fleet.machine('web', 'ams', { id: 'aaa2', process_group: 'worker' }).ipv6;
    web.iad1 = fleet.machine('web', 'iad', { id: 'iii1', process_group: 'app' }).ipv6;
    web.syd1 = fleet.machine('web', 'syd', { id: 'sss1', process_group: 'app' }).ipv6;
    web.fraStopped = fleet.machine('web', 'fra', { id: 'fff1', state: 'stopped' }).ipv6;
    fleet.machine('db', 'iad', { id: 'db01' });
    fleet.machine('idle', 'ams', { id: 'idl1', state: 'stopped' });
    server = await startDnsServer({
      addr: '127.0.0.1:0',
      query: fleet.query,
      localRegion: 'fra',
      latency,
      ttlS: 7,
    });
    resolver = new Resolver({ timeout: 3000, tries: 2 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('<app>.internal answers the started machines, with the configured TTL', async () => {
    const got = await resolver.resolve6('web.internal', { ttl: true });
    expect(sorted(got.map((r) => r.address))).toEqual(
      sorted([web.ams1, web.ams2, web.iad1, web.syd1] as string[]),
    );
    expect(got.every((r) => r.ttl === 7)).toBe(true);
    expect(await resolver.resolve6('db.internal')).toHaveLength(1);
  });

  it('names are case-insensitive and may end with a dot', async () => {
    expect(sorted(await resolver.resolve6('WeB.InTeRnAl.'))).toEqual(
      sorted(await resolver.resolve6('web.internal')),
    );
  });

  it('<region>.<app>.internal answers one region', async () => {
    expect(sorted(await resolver.resolve6('ams.web.internal'))).toEqual(
      sorted([web.ams1, web.ams2] as string[]),
    );
    expect(await resolver.resolve6('iad.web.internal')).toEqual([web.iad1]);
  });

  it('<group>.process.<app>.internal answers one process group', async () => {
    expect(await resolver.resolve6('worker.process.web.internal')).toEqual([web.ams2]);
    expect(await resolver.resolve6('app.process.web.internal')).toHaveLength(3);
  });

  it('<machine-id>.vm.<app>.internal answers one machine', async () => {
    expect(await resolver.resolve6('iii1.vm.web.internal')).toEqual([web.iad1]);
  });

  it('top<N>.nearest.of.<app>.internal answers the N nearest to the local region, nearest first', async () => {
    // Local region fra: ams (8) < iad (45) < syd (160); the stopped fra machine is not answered.
    expect(sorted(await resolver.resolve6('top2.nearest.of.web.internal'))).toEqual(
      sorted([web.ams1, web.ams2] as string[]),
    );
    expect(await resolver.resolve6('top3.nearest.of.web.internal')).toContain(web.iad1);
    expect(await resolver.resolve6('top1.nearest.of.web.internal')).toHaveLength(1);
    expect(sorted(await resolver.resolve6('top99.nearest.of.web.internal'))).toHaveLength(4);
  });

  it('TXT regions.<app>, vms.<app> and _apps list regions, machines and apps', async () => {
    expect(await resolver.resolveTxt('regions.web.internal')).toEqual([['ams,iad,syd']]);
    const vms = (await resolver.resolveTxt('vms.web.internal')).map((chunks) => chunks.join(''));
    expect(vms).toHaveLength(1);
    expect(sorted((vms[0] as string).split(','))).toEqual(['aaa1 ams', 'aaa2 ams', 'iii1 iad', 'sss1 syd']);
    expect(await resolver.resolveTxt('_apps.internal')).toEqual([['db,idle,web']]);
  });

  it('unknown names are NXDOMAIN', async () => {
    for (const name of [
      'nope.internal',
      'syd.db.internal',
      'nope.process.web.internal',
      'zzzz.vm.web.internal',
      'top2.nearest.of.nope.internal',
      'top0.nearest.of.web.internal',
      'a.b.c.d.e.web.internal',
      'regions.nope.internal',
    ]) {
      await expect(resolver.resolve6(name), name).rejects.toMatchObject({ code: 'ENOTFOUND' });
    }
  });

  it('existing names without records of the type are NODATA, not NXDOMAIN', async () => {
    // Machines exist but none is started.
    await expect(resolver.resolve6('idle.internal')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve6('fra.web.internal')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve6('fff1.vm.web.internal')).rejects.toMatchObject({ code: 'ENODATA' });
    // Only AAAA records exist for addresses; only TXT for lists.
    await expect(resolver.resolve4('web.internal')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolveTxt('web.internal')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve6('regions.web.internal')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('names outside the zone are refused', async () => {
    await expect(resolver.resolve6('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('the apex answers SOA', async () => {
    const soa = await resolver.resolveSoa('internal');
    expect(soa).toMatchObject({ nsname: 'ns.internal', hostmaster: 'hostmaster.internal', minttl: 5 });
  });

  it('answers follow the table as it changes', async () => {
    const added = fleet.machine('web', 'syd', { id: 'sss2' }).ipv6;
    expect(await resolver.resolve6('syd.web.internal')).toContain(added);
    fleet.setState('sss2', 'stopped');
    expect(await resolver.resolve6('syd.web.internal')).not.toContain(added);
    fleet.remove('sss2');
    await expect(resolver.resolve6('sss2.vm.web.internal')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('counts answers by outcome', () => {
    const s = server.stats();
    expect(s.noerror).toBeGreaterThan(5);
    expect(s.nxdomain).toBeGreaterThanOrEqual(8);
    expect(s.nodata).toBeGreaterThanOrEqual(6);
    expect(s.refused).toBeGreaterThanOrEqual(1);
  });
});

describe('top<N>.nearest with the built-in world matrix', () => {
  it('orders regions by round trip from the local region', async () => {
    const f = new FleetFixture();
    const syd = f.machine('api', 'syd').ipv6;
    const nrt = f.machine('api', 'nrt').ipv6;
    const sin = f.machine('api', 'sin').ipv6;
    const fra = f.machine('api', 'fra').ipv6;
    const s = await startDnsServer({ addr: '127.0.0.1:0', query: f.query, localRegion: 'icn' });
    try {
      const r = new Resolver({ timeout: 3000, tries: 2 });
      r.setServers([`127.0.0.1:${s.port}`]);
      // From Seoul: Tokyo 31 ms, Singapore 72 ms, Sydney 134 ms, Frankfurt 265 ms.
      expect(await r.resolve6('top1.nearest.of.api.internal')).toEqual([nrt]);
      expect(await r.resolve6('top4.nearest.of.api.internal')).toEqual([nrt, sin, syd, fra]);
    } finally {
      await s.close();
    }
  });
});
