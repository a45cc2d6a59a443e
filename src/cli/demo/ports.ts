/**
 * Ports for the demo's agents: picked free by the OS, or a fixed range checked up front so a
 * port in use gives a clear message instead of a half-started fleet.
 * @packageDocumentation
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** A node's ports: gossip (UDP) and DNS (UDP and TCP). */
export interface NodePorts {
  readonly gossip: number;
  readonly dns: number;
}

/** Thrown when a wanted port is taken. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `port ${port} on 127.0.0.1 is in use; choose another --base-port, or omit it to let the system pick free ports`,
    );
    this.name = 'PortInUseError';
  }
}

function udpFree(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(null);
    });
    s.bind(port, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function tcpFree(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(null));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : null;
      s.close(() => resolve(p));
    });
  });
}

/** A port free for UDP (and for TCP too when `tcp`); `0` asks the OS for one. Null when taken. */
async function freePort(port: number, tcp: boolean): Promise<number | null> {
  for (let i = 0; i < 20; i++) {
    const u = await udpFree(port);
    if (u === null) return null;
    if (!tcp || (await tcpFree(u)) !== null) return u;
    if (port !== 0) return null;
  }
  return null;
}

/**
 * Ports for `n` nodes. With `base`, node i gets gossip `base + 2i` and DNS `base + 2i + 1`,
 * each checked now ({@link PortInUseError} names the first taken one). Without, the OS picks.
 * A port found free can still be taken before the agent binds it; the agent then reports
 * `EADDRINUSE` and the demo picks again.
 */
export async function allocatePorts(n: number, base?: number): Promise<NodePorts[]> {
  const out: NodePorts[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const want = (offset: number): number => (base === undefined ? 0 : base + 2 * i + offset);
    let gossip: number | null = null;
    let dns: number | null = null;
    for (let attempt = 0; attempt < 10 && (gossip === null || dns === null); attempt++) {
      gossip = await freePort(want(0), false);
      if (gossip === null && base !== undefined) throw new PortInUseError(want(0));
      dns = await freePort(want(1), true);
      if (dns === null && base !== undefined) throw new PortInUseError(want(1));
      if (gossip !== null && dns !== null && (seen.has(gossip) || seen.has(dns) || gossip === dns)) {
        gossip = null;
        dns = null;
      }
    }
    if (gossip === null || dns === null) throw new Error('could not find free ports on 127.0.0.1');
    seen.add(gossip);
    seen.add(dns);
    out.push({ gossip, dns });
  }
  return out;
}
