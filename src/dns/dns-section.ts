/**
 * The `[dns]` section of `corro.toml`, mapped onto {@link DnsServerConfig} options. Kept here so
 * the key names and their checks live next to the options they set; `corro agent` calls it.
 * @packageDocumentation
 */
import { DnsConfigError } from './dns-config.js';
import type { DnsServerConfig } from './dns-server.js';

/** `[dns]` keys (snake_case, as in TOML) and the option each sets. */
export const DNS_SECTION_KEYS = {
  addr: 'addr',
  domain: 'domain',
  ttl_s: 'ttlS',
  negative_ttl_s: 'negativeTtlS',
  region: 'localRegion',
  max_answer_records: 'maxAnswerRecords',
  max_rows_per_lookup: 'maxRowsPerLookup',
  max_udp_payload_bytes: 'maxUdpPayloadBytes',
  max_inflight_queries: 'maxInflightQueries',
  max_tcp_connections: 'maxTcpConnections',
  tcp_idle_timeout_ms: 'tcpIdleTimeoutMs',
  max_tcp_query_bytes: 'maxTcpQueryBytes',
  max_tcp_pending_queries: 'maxTcpPendingQueries',
} as const;

type SectionKey = keyof typeof DNS_SECTION_KEYS;
const STRING_KEYS: ReadonlySet<string> = new Set(['addr', 'domain', 'region']);

/** The options a `[dns]` section sets (everything but `query`, which the agent supplies). */
export type DnsSectionOptions = Omit<DnsServerConfig, 'query' | 'latency' | 'hostLiveness' | 'runtime'>;

/**
 * Reads a parsed `[dns]` table. Unknown keys and values of the wrong type throw
 * {@link DnsConfigError} naming `dns.<key>`; ranges are checked when the server starts
 * (`resolveDnsOptions`), also naming the option.
 */
export function dnsOptionsFromSection(section: Readonly<Record<string, unknown>>): DnsSectionOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    if (!(key in DNS_SECTION_KEYS)) {
      throw new DnsConfigError(
        `dns.${key}`,
        `is not a [dns] key; known keys: ${Object.keys(DNS_SECTION_KEYS).join(', ')}`,
      );
    }
    const wantString = STRING_KEYS.has(key);
    if (wantString ? typeof value !== 'string' : typeof value !== 'number' && typeof value !== 'bigint') {
      throw new DnsConfigError(
        `dns.${key}`,
        `must be a ${wantString ? 'string' : 'number'}, got ${JSON.stringify(value)}`,
      );
    }
    out[DNS_SECTION_KEYS[key as SectionKey]] = typeof value === 'bigint' ? Number(value) : value;
  }
  return out as DnsSectionOptions;
}
