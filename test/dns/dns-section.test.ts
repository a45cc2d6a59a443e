import { describe, expect, it } from 'vitest';
import { DnsConfigError, resolveDnsOptions } from '../../src/dns/dns-config.js';
import { dnsOptionsFromSection } from '../../src/dns/dns-section.js';

describe('[dns] section', () => {
  it('maps snake_case keys onto options', () => {
    const o = dnsOptionsFromSection({
      addr: '127.0.0.1:53',
      domain: 'internal',
      ttl_s: 10,
      region: 'fra',
      max_tcp_connections: 8n,
    });
    expect(o).toEqual({
      addr: '127.0.0.1:53',
      domain: 'internal',
      ttlS: 10,
      localRegion: 'fra',
      maxTcpConnections: 8,
    });
    expect(resolveDnsOptions(o)).toMatchObject({ ttlS: 10, localRegion: 'fra', maxTcpConnections: 8 });
  });

  it('names an unknown key or a wrong type', () => {
    expect(() => dnsOptionsFromSection({ ttl: 5 })).toThrow(DnsConfigError);
    expect(() => dnsOptionsFromSection({ ttl: 5 })).toThrow('dns.ttl is not a [dns] key');
    expect(() => dnsOptionsFromSection({ ttl_s: '5' })).toThrow('dns.ttl_s must be a number');
    expect(() => dnsOptionsFromSection({ addr: 53 })).toThrow('dns.addr must be a string');
  });
});
