import { createSocket, type Socket } from 'node:dgram';

/**
 * A statsd sink on loopback that sums the counters one process reports. Serf (through
 * go-metrics) reports memberlist's own byte counters here, e.g. `memberlist.udp.sent`
 * (bytes of every UDP packet it sent) and `memberlist.tcp.sent` (push-pull and fallback
 * probes): that is serf's own accounting of its traffic.
 */

/** One statsd line: `name:value|type[|@rate]`. Returns null for a line that is not a counter. */
export function parseStatsdLine(line: string): { name: string; value: number } | null {
  const m = /^([^:]+):([-+0-9.eE]+)\|c(?:\|@([0-9.]+))?$/.exec(line.trim());
  if (!m) return null;
  const value = Number(m[2]);
  const rate = m[3] !== undefined ? Number(m[3]) : 1;
  if (!Number.isFinite(value) || !(rate > 0)) return null;
  return { name: m[1] as string, value: value / rate };
}

/** Adds every counter line of one statsd packet (newline-separated lines) into `into`. */
export function addStatsdPacket(packet: string, into: Map<string, number>): void {
  for (const line of packet.split('\n')) {
    const c = parseStatsdLine(line);
    if (c) into.set(c.name, (into.get(c.name) ?? 0) + c.value);
  }
}

/** A bound statsd listener accumulating counters. */
export class StatsdSink {
  readonly counters = new Map<string, number>();
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (msg) => addStatsdPacket(msg.toString('utf8'), this.counters));
  }

  /** Binds to 127.0.0.1 on an ephemeral port. */
  static async open(): Promise<StatsdSink> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new StatsdSink(s, s.address().port);
  }

  /** Sum of every counter whose name ends with `suffix` (serf prefixes names with its service name). */
  sum(suffix: string): number {
    let t = 0;
    for (const [k, v] of this.counters) if (k.endsWith(suffix)) t += v;
    return t;
  }

  close(): void {
    this.socket.close();
  }
}
