/**
 * `startDnsServer`: the `.internal` responder on UDP and TCP, on one port.
 * @packageDocumentation
 */
import { realRuntime } from '../runtime/real-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import type { RegionLatency } from './answer.js';
import type { DnsOptions, DnsTcpOptions } from './dns-config.js';
import { DNS_DEFAULTS, DnsConfigError, resolveDnsOptions } from './dns-config.js';
import type { DnsStats } from './dns-stats.js';
import { newDnsStats } from './dns-stats.js';
import type { FleetQuery, HostLiveness } from './fleet-reader.js';
import { DnsResponder } from './responder.js';
import { DnsTcpListener } from './tcp-listener.js';
import { DnsUdpListener } from './udp-listener.js';

/** Configuration of {@link startDnsServer}; every field but `query` has a default. */
export interface DnsServerConfig extends Partial<DnsOptions & DnsTcpOptions> {
  /**
   * `host:port` to answer on, UDP and TCP (`127.0.0.1:8053`, `[::1]:8053`). Port 0 picks a free
   * port that is free for both. Default `127.0.0.1:8053`.
   */
  readonly addr?: string;
  /** Reads the fleet tables: `store.query`, `agent.query`, or a SQLite handle's. Required. */
  readonly query: FleetQuery;
  /** Region latency in ms for `top<N>.nearest.of.<app>`. Default: the built-in world matrix (`regions/`); unknown regions sort last. */
  readonly latency?: RegionLatency;
  /** Live-host filter built per query; see `livenessFromMembers`. Default: every host is live. */
  readonly hostLiveness?: () => HostLiveness | Promise<HostLiveness>;
  /** Clock (SOA serial) and scheduler (TCP idle timeouts). Default: the real runtime. */
  readonly runtime?: Runtime;
}

/** A running responder. */
export interface DnsServer {
  /** The bound address, `host:port`, the same port for UDP and TCP. */
  readonly addr: string;
  readonly host: string;
  readonly port: number;
  /** A snapshot of the counters. */
  stats(): DnsStats;
  /** Stops both listeners and closes open TCP connections; idempotent. */
  close(): Promise<void>;
}

/** Thrown when the address cannot be bound; the message says which and why. */
export class DnsBindError extends Error {
  constructor(addr: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`dns: cannot listen on ${addr}: ${reason}; choose another [dns] addr (port 0 picks a free one)`);
    this.name = 'DnsBindError';
  }
}

// With port 0 the UDP port the OS picks may be taken for TCP; try again a few times.
const EPHEMERAL_ATTEMPTS = 8;

/**
 * Starts the `.internal` DNS responder on `config.addr` (UDP and TCP). Throws
 * {@link DnsConfigError} for a bad option and {@link DnsBindError} when the port is taken.
 *
 * @example
 * ```ts
 * const dns = await startDnsServer({ addr: '127.0.0.1:0', query: (sql, p) => agent.query(sql, p), localRegion: 'ams' });
 * // dig @127.0.0.1 -p <dns.port> myapp.internal AAAA
 * ```
 */
export async function startDnsServer(config: DnsServerConfig): Promise<DnsServer> {
  if (typeof config.query !== 'function')
    throw new DnsConfigError('query', 'must be a function (sql, params) => rows');
  const options = resolveDnsOptions(config);
  const { host, port } = parseAddr(config.addr ?? DNS_DEFAULTS.addr);
  const runtime = config.runtime ?? realRuntime();
  const counters = newDnsStats();
  const responder = new DnsResponder(
    options,
    { query: config.query, latency: config.latency, hostLiveness: config.hostLiveness, clock: runtime.clock },
    counters,
  );
  const attempts = port === 0 ? EPHEMERAL_ATTEMPTS : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    let udp: DnsUdpListener | undefined;
    try {
      udp = await DnsUdpListener.bind(host, port, responder);
      const tcp = await DnsTcpListener.listen(
        host,
        udp.port,
        responder,
        options,
        runtime.scheduler,
        counters,
      );
      const bound = udp.port;
      const u = udp;
      let closing: Promise<void> | undefined;
      return {
        addr: host.includes(':') ? `[${host}]:${bound}` : `${host}:${bound}`,
        host,
        port: bound,
        stats: () => ({ ...counters }),
        close: () => {
          closing ??= Promise.all([u.close(), tcp.close()]).then(() => undefined);
          return closing;
        },
      };
    } catch (err) {
      lastError = err;
      await udp?.close();
    }
  }
  throw new DnsBindError(config.addr ?? DNS_DEFAULTS.addr, lastError);
}

/** Splits `host:port` or `[v6]:port`; throws {@link DnsConfigError} naming `addr`. */
export function parseAddr(addr: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(addr) ?? /^([^:[\]]+):(\d+)$/.exec(addr);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m?.[1] || !Number.isInteger(port) || port > 65_535) {
    throw new DnsConfigError('addr', `"${addr}" is not host:port (e.g. 127.0.0.1:8053 or [::1]:8053)`);
  }
  return { host: m[1], port };
}
