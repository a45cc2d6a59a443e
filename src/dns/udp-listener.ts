/**
 * The DNS responder over UDP: one datagram in, at most one datagram out.
 * @packageDocumentation
 */
import { createSocket, type Socket } from 'node:dgram';
import type { DnsResponder } from './responder.js';

/** A bound UDP socket answering through a {@link DnsResponder}. */
export class DnsUdpListener {
  private closed = false;

  private constructor(private readonly socket: Socket) {}

  /**
   * Binds `host:port` (port 0 picks a free one) and answers every datagram. Rejects when the
   * address cannot be bound (in use, not local), with the OS error.
   */
  static bind(host: string, port: number, responder: DnsResponder): Promise<DnsUdpListener> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    const listener = new DnsUdpListener(socket);
    socket.on('message', (msg, rinfo) => {
      // The responder never rejects; `void` marks the answer as fire-and-forget per datagram.
      void responder.handle(msg, 'udp').then((out) => {
        if (out && !listener.closed) socket.send(out, rinfo.port, rinfo.address, () => undefined);
      });
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        // A send error (e.g. ICMP unreachable reported on the socket) must not crash the node.
        socket.on('error', () => undefined);
        resolve(listener);
      });
    });
  }

  /** The bound port. */
  get port(): number {
    return this.socket.address().port;
  }

  /** Stops answering; idempotent. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
