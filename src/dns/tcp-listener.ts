/**
 * The DNS responder over TCP: messages framed by a two-byte length (RFC 1035 4.2.2, RFC 7766),
 * several per connection, answered in order. Connections, frame sizes, pending queries and
 * idle time are bounded; a connection that breaks a bound is closed and counted.
 * @packageDocumentation
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Scheduler, TimerHandle } from '../runtime/scheduler.js';
import type { DnsTcpOptions } from './dns-config.js';
import type { DnsStats } from './dns-stats.js';
import type { DnsResponder } from './responder.js';

// A client that stops reading while we keep answering would grow our write buffer; past this
// many buffered bytes the connection is closed.
const MAX_WRITE_BUFFER_BYTES = 256 * 1024;

/** A TCP server answering through a {@link DnsResponder}. */
export class DnsTcpListener {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  /** Listens on `host:port` (port 0 picks a free one); rejects with the OS error when it cannot. */
  static listen(
    host: string,
    port: number,
    responder: DnsResponder,
    options: DnsTcpOptions,
    scheduler: Scheduler,
    stats: DnsStats,
  ): Promise<DnsTcpListener> {
    const server = createServer();
    const listener = new DnsTcpListener(server);
    server.on('connection', (socket) => listener.accept(socket, responder, options, scheduler, stats));
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        server.close();
        reject(err);
      };
      server.once('error', onError);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', () => undefined);
        resolve(listener);
      });
    });
  }

  /** The bound port. */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Stops listening and closes every open connection; idempotent. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(
    socket: Socket,
    responder: DnsResponder,
    options: DnsTcpOptions,
    scheduler: Scheduler,
    stats: DnsStats,
  ): void {
    socket.on('error', () => undefined);
    if (this.sockets.size >= options.maxTcpConnections) {
      stats.tcpRejected++;
      socket.destroy();
      return;
    }
    stats.tcpAccepted++;
    this.sockets.add(socket);
    let buffered: Buffer = Buffer.alloc(0);
    let pending = 0;
    let chain: Promise<void> = Promise.resolve();
    let idle: TimerHandle | undefined;
    const close = (counter?: 'tcpClosedIdle' | 'tcpClosedBadFrame' | 'tcpClosedOverload'): void => {
      if (counter && !socket.destroyed) stats[counter]++;
      idle?.cancel();
      socket.destroy();
    };
    const armIdle = (): void => {
      idle?.cancel();
      idle = scheduler.after(options.tcpIdleTimeoutMs, () => close('tcpClosedIdle'));
    };
    armIdle();
    socket.on('close', () => {
      idle?.cancel();
      this.sockets.delete(socket);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      // The buffer never holds more than one length prefix plus one bounded frame plus one
      // chunk: frames are cut out as soon as they are complete.
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (len < 12 || len > options.maxTcpQueryBytes) return close('tcpClosedBadFrame');
        if (buffered.length < 2 + len) break;
        const frame = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        if (++pending > options.maxTcpPendingQueries) return close('tcpClosedOverload');
        armIdle();
        // Answers go out in query order (simplest for clients; RFC 7766 allows either).
        chain = chain.then(async () => {
          const out = await responder.handle(frame, 'tcp');
          pending--;
          if (!out || socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(out.length, 0);
          socket.write(Buffer.concat([prefix, out]));
          if (socket.writableLength > MAX_WRITE_BUFFER_BYTES) close('tcpClosedOverload');
        });
      }
    });
  }
}
