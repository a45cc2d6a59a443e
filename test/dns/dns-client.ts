import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';

/** Encodes an AAAA (or other) query; `edns` adds an OPT record advertising that UDP size. */
export function queryBytes(
  name: string,
  type: dnsPacket.RecordType = 'AAAA',
  edns?: number,
  id = 4242,
): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    additionals:
      edns === undefined
        ? []
        : [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: edns,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
  });
}

/** Sends raw bytes over UDP; resolves with the first reply or `null` after `waitMs`. */
export function udpExchange(port: number, bytes: Uint8Array, waitMs = 2000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(null);
    }, waitMs);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      resolve(msg);
    });
    s.send(bytes, port, '127.0.0.1');
  });
}

/** Sends raw bytes over UDP without waiting for anything. */
export function udpFire(port: number, packets: readonly Uint8Array[]): Promise<void> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    let left = packets.length;
    if (left === 0) return resolve();
    for (const p of packets) {
      s.send(p, port, '127.0.0.1', () => {
        if (--left === 0) {
          s.close();
          resolve();
        }
      });
    }
  });
}

/** A TCP connection speaking length-prefixed DNS. */
export class TcpDnsClient {
  private buf = Buffer.alloc(0);
  private waiters: ((b: Buffer) => void)[] = [];
  closed = false;
  private readonly closedP: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 2) {
        const len = this.buf.readUInt16BE(0);
        if (this.buf.length < 2 + len) break;
        const frame = this.buf.subarray(2, 2 + len);
        this.buf = this.buf.subarray(2 + len);
        this.waiters.shift()?.(frame);
      }
    });
    socket.on('error', () => undefined);
    this.closedP = new Promise((r) =>
      socket.on('close', () => {
        this.closed = true;
        r();
      }),
    );
  }

  static open(port: number): Promise<TcpDnsClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new TcpDnsClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends one framed message and resolves with the next framed reply. */
  ask(msg: Uint8Array): Promise<Buffer> {
    const p = new Promise<Buffer>((r) => this.waiters.push(r));
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(msg.length, 0);
    this.socket.write(Buffer.concat([prefix, msg]));
    return p;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Resolves when the server closed the connection. */
  whenClosed(): Promise<void> {
    return this.closedP;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Polls `pred` every 10 ms until true or `timeoutMs` passed (generous bounds; not a timing assertion). */
export async function waitFor(pred: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return pred();
}

/** A decoded reply with the fields tests look at (dns-packet's types omit `rcode`). */
export interface Reply {
  id: number;
  rcode: string;
  flag_qr: boolean;
  flag_tc: boolean;
  flag_rd: boolean;
  answers: { type: string; data: unknown }[];
  authorities: { type: string }[];
  additionals: { type: string; udpPayloadSize?: number }[];
}

/** Decodes a reply for assertions. */
export function decodeReply(bytes: Uint8Array | null): Reply {
  if (bytes === null) throw new Error('no reply');
  const p = dnsPacket.decode(Buffer.from(bytes)) as unknown as Reply;
  return {
    ...p,
    answers: p.answers ?? [],
    authorities: p.authorities ?? [],
    additionals: p.additionals ?? [],
  };
}
