import { connect, type Socket } from 'node:net';
import { Packr, UnpackrStream } from 'msgpackr';

/**
 * A minimal client of Serf's RPC protocol (msgpack over TCP, IPC version 1): the handshake
 * and `join`, so the benchmark can time a join from the moment it is requested. Each frame
 * is a header `{Seq, Error}`, followed by a body for commands that return one.
 */

const packr = new Packr({ useRecords: false });

interface Pending {
  seq: number;
  hasBody: boolean;
  resolve: (body: unknown) => void;
  reject: (e: Error) => void;
}

/** One RPC connection to one Serf agent. */
export class SerfRpc {
  private readonly pending: Pending[] = [];
  private seq = 0;
  /** Set when a header arrived whose body is the next frame: the request it answers. */
  private bodyFor: Pending | undefined;

  private constructor(private readonly socket: Socket) {
    const frames = new UnpackrStream({ mapsAsObjects: true });
    socket.pipe(frames);
    frames.on('data', (frame: unknown) => this.onFrame(frame));
    frames.on('error', () => socket.destroy());
    socket.on('error', () => {
      // A closed agent (killed by the benchmark) ends its connection; pending calls fail below.
    });
    socket.on('close', () => {
      for (const p of this.pending.splice(0)) p.reject(new Error('serf rpc connection closed'));
    });
  }

  /** Connects to an agent's RPC address and performs the handshake. */
  static async connect(addr: string): Promise<SerfRpc> {
    const [host, port] = splitAddr(addr);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(s));
      s.once('error', reject);
    });
    const rpc = new SerfRpc(socket);
    await rpc.call('handshake', { Version: 1 }, false);
    return rpc;
  }

  /** Asks the agent to join the cluster through `addrs`; resolves with how many it reached. */
  async join(addrs: string[]): Promise<number> {
    const body = (await this.call('join', { Existing: addrs, Replay: false }, true)) as { Num: number };
    return body.Num;
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }

  private call(command: string, body: unknown, hasBody: boolean): Promise<unknown> {
    const seq = this.seq++;
    const p = new Promise<unknown>((resolve, reject) => this.pending.push({ seq, hasBody, resolve, reject }));
    this.socket.write(packr.pack({ Command: command, Seq: seq }));
    this.socket.write(packr.pack(body));
    return p;
  }

  private onFrame(frame: unknown): void {
    if (this.bodyFor !== undefined) {
      const target = this.bodyFor;
      this.bodyFor = undefined;
      target.resolve(frame);
      return;
    }
    const h = frame as { Seq?: number; Error?: string };
    if (typeof h.Seq !== 'number') return;
    const i = this.pending.findIndex((p) => p.seq === h.Seq);
    if (i < 0) return;
    const p = this.pending[i] as Pending;
    this.pending.splice(i, 1);
    if (h.Error) p.reject(new Error(`serf rpc: ${h.Error}`));
    else if (p.hasBody) this.bodyFor = p;
    else p.resolve(undefined);
  }
}

/** Splits `host:port`. */
export function splitAddr(addr: string): [string, number] {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`address "${addr}" needs host:port`);
  return [addr.slice(0, i), Number(addr.slice(i + 1))];
}
