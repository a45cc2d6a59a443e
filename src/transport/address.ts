/**
 * `host:port` address strings as used by every transport (`127.0.0.1:8787`, `[::1]:8787`).
 */

/** Thrown when an address string is malformed. Nothing was bound or sent. */
export class AddressError extends Error {
  override readonly name = 'AddressError';
}

/** Splits `host:port` / `[v6]:port`; returns undefined when malformed. */
export function parseAddr(addr: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(addr);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: (m[1] ?? m[2]) as string, port };
}

/** Formats a host and port, bracketing IPv6 hosts. */
export function formatAddr(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
