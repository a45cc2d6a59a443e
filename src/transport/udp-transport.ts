import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { AddressError, formatAddr, parseAddr } from './address.js';
import type { Transport } from './transport.js';

/** Counters of a {@link UdpTransport}. Plain numbers, updated in place. */
export interface UdpCounters {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  /** Sends that failed (unresolvable address, socket error, closed socket). */
  sendErrors: number;
  /** Sends to a malformed address. */
  badAddress: number;
}

/** The real datagram transport over `node:dgram`. Create with {@link UdpTransport.bind}. */
export class UdpTransport implements Transport {
  /** Live counters. */
  readonly counters: UdpCounters = {
    packetsSent: 0,
    bytesSent: 0,
    packetsReceived: 0,
    bytesReceived: 0,
    sendErrors: 0,
    badAddress: 0,
  };
  private handler: ((from: string, packet: Uint8Array) => void) | undefined;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly localAddr: string,
  ) {
    socket.on('message', (msg, rinfo) => {
      this.counters.packetsReceived++;
      this.counters.bytesReceived += msg.length;
      this.handler?.(formatAddr(rinfo.address, rinfo.port), msg);
    });
    // A socket error (e.g. ICMP unreachable surfaced on some platforms) is counted, never thrown.
    socket.on('error', () => {
      this.counters.sendErrors++;
    });
  }

  /**
   * Binds a UDP socket to `addr` (`host:port`, port 0 picks a free port; the bound address is
   * reported in `localAddr`). Rejects on a malformed address or a bind failure (e.g. in use).
   */
  static bind(addr: string): Promise<UdpTransport> {
    const p = parseAddr(addr);
    if (!p) return Promise.reject(new AddressError(`bad address "${addr}": use host:port or [v6]:port`));
    const socket = createSocket({ type: isIPv6(p.host) ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind(p.port, p.host, () => {
        socket.off('error', onError);
        const a = socket.address();
        resolve(new UdpTransport(socket, formatAddr(a.address, a.port)));
      });
    });
  }

  send(to: string, packet: Uint8Array): void {
    if (this.closed) return;
    const p = parseAddr(to);
    if (!p) {
      this.counters.badAddress++;
      return;
    }
    this.counters.packetsSent++;
    this.counters.bytesSent += packet.length;
    try {
      this.socket.send(packet, p.port, p.host, (err) => {
        if (err) this.counters.sendErrors++;
      });
    } catch {
      this.counters.sendErrors++;
    }
  }

  onPacket(handler: (from: string, packet: Uint8Array) => void): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.handler = undefined;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
