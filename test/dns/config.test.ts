import { describe, expect, it } from 'vitest';
import { DNS_DEFAULTS, DnsConfigError, resolveDnsOptions } from '../../src/dns/dns-config.js';
import { DnsBindError, parseAddr, startDnsServer } from '../../src/dns/dns-server.js';

describe('dns config', () => {
  it('fills defaults and lower-cases the domain', () => {
    const o = resolveDnsOptions({ domain: 'Corro.Internal.', ttlS: 30 });
    expect(o).toMatchObject({ domain: 'corro.internal', ttlS: 30, negativeTtlS: DNS_DEFAULTS.negativeTtlS });
  });

  it.each([
    [{ ttlS: -1 }, 'ttlS'],
    [{ ttlS: 1.5 }, 'ttlS'],
    [{ negativeTtlS: 100_000 }, 'negativeTtlS'],
    [{ maxUdpPayloadBytes: 100 }, 'maxUdpPayloadBytes'],
    [{ maxAnswerRecords: 0 }, 'maxAnswerRecords'],
    [{ maxTcpConnections: 0 }, 'maxTcpConnections'],
    [{ domain: 'bad domain' }, 'domain'],
  ])('rejects %o naming %s', (partial, key) => {
    expect(() => resolveDnsOptions(partial)).toThrow(DnsConfigError);
    expect(() => resolveDnsOptions(partial)).toThrow(key);
  });

  it('parses host:port and [v6]:port', () => {
    expect(parseAddr('127.0.0.1:53')).toEqual({ host: '127.0.0.1', port: 53 });
    expect(parseAddr('[::1]:8053')).toEqual({ host: '::1', port: 8053 });
    for (const bad of ['127.0.0.1', ':53', '::1:53', 'host:99999', 'host:x']) {
      expect(() => parseAddr(bad), bad).toThrow(DnsConfigError);
    }
  });

  it('a port in use fails with DnsBindError naming the address', async () => {
    const a = await startDnsServer({ addr: '127.0.0.1:0', query: () => [] });
    try {
      await expect(startDnsServer({ addr: a.addr, query: () => [] })).rejects.toThrow(DnsBindError);
      await expect(startDnsServer({ addr: a.addr, query: () => [] })).rejects.toThrow(a.addr);
    } finally {
      await a.close();
    }
  });

  it('serves on IPv6 loopback', async () => {
    const s = await startDnsServer({ addr: '[::1]:0', query: () => [] }).catch(() => null);
    if (s === null) return; // no IPv6 loopback on this machine
    expect(s.addr).toBe(`[::1]:${s.port}`);
    await s.close();
  });
});

describe('resolveDnsOptions with a wider object', () => {
  it('keeps only the known options', () => {
    const o = resolveDnsOptions({ ttlS: 9, query: () => [] } as Parameters<typeof resolveDnsOptions>[0]);
    expect(o.ttlS).toBe(9);
    expect('query' in o).toBe(false);
    expect('addr' in o).toBe(false);
  });
});
