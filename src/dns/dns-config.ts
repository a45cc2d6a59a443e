/**
 * Configuration of the `.internal` DNS responder: fields with unit, default and constraint,
 * defaults, and validation that names the wrong key.
 * @packageDocumentation
 */

/** Options of the responder (everything but where to read from and how to bind). */
export interface DnsOptions {
  /**
   * The zone the responder is authoritative for, without trailing dot. Default `internal`.
   * Names outside it are REFUSED (no recursion). Constraint: dot-separated DNS labels.
   */
  readonly domain: string;
  /** TTL of positive answers, seconds. Default 5: tables change quickly. Constraint 0..86400. */
  readonly ttlS: number;
  /**
   * TTL of negative answers (NXDOMAIN, NODATA), seconds: the TTL and `minimum` field of the
   * SOA sent in the authority section (RFC 2308). Default 5. Constraint 0..86400.
   */
  readonly negativeTtlS: number;
  /** Region of this host: origin of `top<N>.nearest.of.<app>`. Default '' (no preference). */
  readonly localRegion: string;
  /**
   * Upper bound on address records in one answer; also the largest N of `top<N>.nearest.of`.
   * Default 256. Past the bound, answers hold the first `maxAnswerRecords` machines of the
   * (rotated) order. Constraint 1..4096.
   */
  readonly maxAnswerRecords: number;
  /** Upper bound on rows read per lookup; rows past it are ignored. Default 10000. Constraint >= 1. */
  readonly maxRowsPerLookup: number;
  /**
   * Largest UDP response, bytes, advertised in EDNS. A client that sends no EDNS gets at most
   * 512 bytes; one that does gets min(its size, this). A larger answer is sent with the TC bit
   * and no records, so the client retries over TCP. Default 1232 (the DNS Flag Day 2020
   * value, which avoids IP fragmentation). Constraint 512..65535.
   */
  readonly maxUdpPayloadBytes: number;
  /** Queries being answered at once (waiting on the reader); past it UDP queries are dropped and counted. Default 256. Constraint >= 1. */
  readonly maxInflightQueries: number;
}

/** Options of the TCP listener. */
export interface DnsTcpOptions {
  /** Open TCP connections at most; a new one past it is closed at once and counted. Default 64. Constraint >= 1. */
  readonly maxTcpConnections: number;
  /** A TCP connection with no complete query for this long is closed, ms. Default 10000. Constraint >= 1. */
  readonly tcpIdleTimeoutMs: number;
  /** Largest query message over TCP, bytes; a larger length prefix closes the connection. Default 4096. Constraint 12..65535. */
  readonly maxTcpQueryBytes: number;
  /** Queries read but not yet answered on one connection; past it the connection is closed. Default 16. Constraint >= 1. */
  readonly maxTcpPendingQueries: number;
}

/** Default {@link DnsOptions} and {@link DnsTcpOptions}. */
export const DNS_DEFAULTS: Readonly<DnsOptions & DnsTcpOptions & { addr: string }> = Object.freeze({
  addr: '127.0.0.1:8053',
  domain: 'internal',
  ttlS: 5,
  negativeTtlS: 5,
  localRegion: '',
  maxAnswerRecords: 256,
  maxRowsPerLookup: 10_000,
  maxUdpPayloadBytes: 1232,
  maxInflightQueries: 256,
  maxTcpConnections: 64,
  tcpIdleTimeoutMs: 10_000,
  maxTcpQueryBytes: 4096,
  maxTcpPendingQueries: 16,
});

/** Thrown for a configuration value out of range; the message names the key and the range. */
export class DnsConfigError extends Error {
  constructor(key: string, message: string) {
    super(`dns config: ${key} ${message}`);
    this.name = 'DnsConfigError';
  }
}

const DOMAIN = /^([a-z0-9_]([a-z0-9_-]{0,62})\.)*[a-z0-9_]([a-z0-9_-]{0,62})$/;

/** Fills defaults into `partial` and validates it; throws {@link DnsConfigError} naming the bad key. */
export function resolveDnsOptions(
  partial: Partial<DnsOptions & DnsTcpOptions> = {},
): DnsOptions & DnsTcpOptions {
  // Only known keys: callers may pass a wider object (e.g. a whole DnsServerConfig).
  const known = Object.fromEntries(
    Object.keys(DNS_DEFAULTS).map((k) => [k, (partial as Record<string, unknown>)[k]]),
  );
  const o = { ...DNS_DEFAULTS, ...stripUndefined(known as Partial<typeof DNS_DEFAULTS>) };
  const domain = o.domain.toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(domain))
    throw new DnsConfigError('domain', `"${o.domain}" is not a DNS name like "internal"`);
  int('ttlS', o.ttlS, 0, 86_400);
  int('negativeTtlS', o.negativeTtlS, 0, 86_400);
  int('maxAnswerRecords', o.maxAnswerRecords, 1, 4096);
  int('maxRowsPerLookup', o.maxRowsPerLookup, 1, Number.MAX_SAFE_INTEGER);
  int('maxUdpPayloadBytes', o.maxUdpPayloadBytes, 512, 65_535);
  int('maxInflightQueries', o.maxInflightQueries, 1, Number.MAX_SAFE_INTEGER);
  int('maxTcpConnections', o.maxTcpConnections, 1, Number.MAX_SAFE_INTEGER);
  int('tcpIdleTimeoutMs', o.tcpIdleTimeoutMs, 1, Number.MAX_SAFE_INTEGER);
  int('maxTcpQueryBytes', o.maxTcpQueryBytes, 12, 65_535);
  int('maxTcpPendingQueries', o.maxTcpPendingQueries, 1, Number.MAX_SAFE_INTEGER);
  const { addr: _addr, ...rest } = o;
  return Object.freeze({ ...rest, domain });
}

function int(key: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new DnsConfigError(key, `must be an integer in ${min}..${max}, got ${String(v)}`);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
