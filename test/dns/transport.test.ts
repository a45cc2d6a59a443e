import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '../../src/dns/dns-server.js';
import { startDnsServer } from '../../src/dns/dns-server.js';
import { decodeReply, queryBytes, TcpDnsClient, udpExchange } from './dns-client.js';
import { FleetFixture } from './fleet-fixture.js';

describe('UDP truncation and TCP', () => {
  const fleet = new FleetFixture();
  const big: string[] = [];
  let server: DnsServer;

  beforeAll(async () => {
    for (let i = 0; i < 100; i++) big.push(fleet.machine('big', i % 2 ? 'ams' : 'iad').ipv6);
    for (let i = 0; i < 3; i++) fleet.machine('small', 'ams');
    server = await startDnsServer({ addr: '127.0.0.1:0', query: fleet.query, maxAnswerRecords: 200 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a UDP answer larger than 512 bytes (no EDNS) comes back with TC and no records', async () => {
    const raw = await udpExchange(server.port, queryBytes('big.internal'));
    expect(raw).not.toBeNull();
    const res = decodeReply(raw);
    expect(res.id).toBe(4242);
    expect(res.flag_tc).toBe(true);
    expect(res.answers).toHaveLength(0);
    expect(server.stats().truncated).toBeGreaterThanOrEqual(1);
  });

  it('EDNS raises the UDP limit up to maxUdpPayloadBytes, echoing OPT', async () => {
    const res = decodeReply(await udpExchange(server.port, queryBytes('small.internal', 'AAAA', 4096)));
    expect(res.flag_tc).toBe(false);
    expect(res.answers).toHaveLength(3);
    const opt = res.additionals.find((a) => a.type === 'OPT');
    expect(opt?.udpPayloadSize).toBe(1232);
    // 100 AAAA records (~2.8 KB) do not fit 1232 bytes even with EDNS 4096.
    const bigRes = decodeReply(await udpExchange(server.port, queryBytes('big.internal', 'AAAA', 4096)));
    expect(bigRes.flag_tc).toBe(true);
  });

  it('the same query over TCP returns every record, several queries per connection', async () => {
    const c = await TcpDnsClient.open(server.port);
    try {
      const a = decodeReply(await c.ask(queryBytes('big.internal', 'AAAA', undefined, 1)));
      const b = decodeReply(await c.ask(queryBytes('nope.internal', 'AAAA', undefined, 2)));
      expect(a.id).toBe(1);
      expect(a.flag_tc).toBe(false);
      expect((a.answers ?? []).map((r) => r.data).sort()).toEqual([...big].sort());
      expect(b.id).toBe(2);
      expect(b.rcode).toBe('NXDOMAIN');
      expect(b.authorities?.[0]?.type).toBe('SOA');
    } finally {
      c.close();
    }
  });

  it('node:dns falls back to TCP on TC and gets all 100 addresses', async () => {
    const r = new Resolver({ timeout: 3000, tries: 2 });
    r.setServers([`127.0.0.1:${server.port}`]);
    expect((await r.resolve6('big.internal')).sort()).toEqual([...big].sort());
  });

  it('maxAnswerRecords bounds an answer, and answers rotate', async () => {
    const s = await startDnsServer({ addr: '127.0.0.1:0', query: fleet.query, maxAnswerRecords: 10 });
    try {
      const firsts = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = decodeReply(await udpExchange(s.port, queryBytes('big.internal', 'AAAA', 1232)));
        expect(res.answers).toHaveLength(10);
        firsts.add(String(res.answers?.[0]?.data));
      }
      expect(firsts.size).toBe(3);
    } finally {
      await s.close();
    }
  });
});
