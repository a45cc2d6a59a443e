import * as dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDnsOptions } from '../../src/dns/dns-config.js';
import type { DnsServer } from '../../src/dns/dns-server.js';
import { startDnsServer } from '../../src/dns/dns-server.js';
import type { DnsStats } from '../../src/dns/dns-stats.js';
import { DnsResponder } from '../../src/dns/responder.js';
import { randomBytes, randomInt, seededRng } from '../../src/runtime/rng.js';
import { decodeReply, queryBytes, TcpDnsClient, udpExchange, udpFire, waitFor } from './dns-client.js';
import { FleetFixture } from './fleet-fixture.js';

const fleet = new FleetFixture();
fleet.machine('web', 'ams');
const responder = new DnsResponder(resolveDnsOptions(), { query: fleet.query, clock: { now: () => 0 } });

function header(flags: number, qdcount: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(7, 0);
  b.writeUInt16BE(flags, 2);
  b.writeUInt16BE(qdcount, 4);
  return b;
}

describe('malformed messages (responder)', () => {
  it('drops messages too short for a header, and responses', async () => {
    expect(await responder.handle(Buffer.from([1, 2, 3]), 'udp')).toBeNull();
    expect(await responder.handle(header(0x8000, 0), 'udp')).toBeNull();
    expect(responder.stats()).toMatchObject({ droppedMalformed: 1, droppedResponses: 1 });
  });

  it('answers FORMERR for an undecodable question or a question count other than one', async () => {
    const garbage = Buffer.concat([header(0x0100, 1), Buffer.from([0x3f, 0x61])]);
    const res = decodeReply(await responder.handle(garbage, 'udp'));
    expect(res).toMatchObject({ id: 7, rcode: 'FORMERR', flag_qr: true, flag_rd: true });
    const none = decodeReply(await responder.handle(header(0, 0), 'udp'));
    expect(none.rcode).toBe('FORMERR');
  });

  it('answers NOTIMP for opcodes other than QUERY and REFUSED for other classes', async () => {
    const status = Buffer.from(queryBytes('web.internal'));
    status.writeUInt16BE(2 << 11, 2);
    expect(decodeReply(await responder.handle(status, 'udp')).rcode).toBe('NOTIMP');
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [{ type: 'TXT', name: 'web.internal', class: 'CH' }],
    });
    expect(decodeReply(await responder.handle(chaos, 'udp')).rcode).toBe('REFUSED');
  });

  it('answers SERVFAIL when the reader throws, and counts it', async () => {
    const broken = new DnsResponder(resolveDnsOptions(), {
      query: () => {
        throw new Error('no such table: machines');
      },
      clock: { now: () => 0 },
    });
    const res = decodeReply(await broken.handle(queryBytes('web.internal'), 'udp'));
    expect(res.rcode).toBe('SERVFAIL');
    expect(broken.stats().readerErrors).toBe(1);
  });

  it('property: any bytes give null or a response with the same id and QR set; never a throw', async () => {
    const valid = queryBytes('web.internal', 'AAAA', 1232);
    const arb = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 700 }),
      // Mutations of a valid query reach deeper into the decoder than pure noise.
      fc
        .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
        .map((flips) => {
          const b = Buffer.from(valid);
          for (const [i, v] of flips) b[i] = v;
          return new Uint8Array(b);
        }),
    );
    await fc.assert(
      fc.asyncProperty(arb, fc.constantFrom('udp' as const, 'tcp' as const), async (bytes, via) => {
        const out = await responder.handle(bytes, via);
        if (out === null) return;
        const b = Buffer.from(out);
        expect(b.readUInt16BE(0)).toBe(Buffer.from(bytes).readUInt16BE(0));
        expect(b.readUInt16BE(2) & 0x8000).toBe(0x8000);
        expect(b.length).toBeLessThanOrEqual(via === 'udp' ? 1232 : 65_535);
      }),
      { numRuns: 2000 },
    );
    expect(responder.stats().internalErrors).toBe(0);
  });
});

describe('malformed messages over the wire', () => {
  let server: DnsServer;
  beforeAll(async () => {
    server = await startDnsServer({ addr: '127.0.0.1:0', query: fleet.query, maxTcpConnections: 4 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('survives random datagrams, counts them, and keeps answering', async () => {
    const rng = seededRng(7);
    const packets = Array.from({ length: 300 }, () => randomBytes(rng, randomInt(rng, 600)));
    // Loopback UDP may drop part of a burst at the socket buffer, so send in small batches and
    // check that every message that did arrive got exactly one outcome.
    for (let i = 0; i < packets.length; i += 25) {
      await udpFire(server.port, packets.slice(i, i + 25));
      await waitFor(() => server.stats().queriesUdp >= i + 25, 1000);
    }
    expect(server.stats().queriesUdp).toBeGreaterThan(100);
    const outcomes = (s: DnsStats): number =>
      s.droppedMalformed +
      s.droppedResponses +
      s.formerr +
      s.notimp +
      s.refused +
      s.nxdomain +
      s.noerror +
      s.nodata;
    expect(await waitFor(() => outcomes(server.stats()) === server.stats().queriesUdp)).toBe(true);
    const s = server.stats();
    expect(s.droppedMalformed + s.droppedResponses + s.formerr).toBeGreaterThan(0);
    const ok = decodeReply(await udpExchange(server.port, queryBytes('web.internal')));
    expect(ok.answers).toHaveLength(1);
  });

  it('closes a TCP connection that sends a bad frame, and keeps answering others', async () => {
    const bad = await TcpDnsClient.open(server.port);
    bad.write(Buffer.from([0xff, 0xff, 1, 2, 3])); // length 65535 > maxTcpQueryBytes
    await bad.whenClosed();
    const tiny = await TcpDnsClient.open(server.port);
    tiny.write(Buffer.from([0x00, 0x03, 1, 2, 3])); // length 3 < a header
    await tiny.whenClosed();
    expect(server.stats().tcpClosedBadFrame).toBe(2);

    const rng = seededRng(11);
    const noisy = await TcpDnsClient.open(server.port);
    for (let i = 0; i < 20; i++) {
      const body = randomBytes(rng, 12 + randomInt(rng, 200));
      const framed = Buffer.alloc(2 + body.length);
      framed.writeUInt16BE(body.length, 0);
      framed.set(body, 2);
      noisy.write(framed);
    }
    const good = await TcpDnsClient.open(server.port);
    const res = decodeReply(await good.ask(queryBytes('web.internal')));
    expect(res.answers).toHaveLength(1);
    noisy.close();
    good.close();
  });

  it('refuses TCP connections past maxTcpConnections', async () => {
    const open = await Promise.all(Array.from({ length: 6 }, () => TcpDnsClient.open(server.port)));
    expect(await waitFor(() => open.filter((c) => c.closed).length >= 2)).toBe(true);
    expect(server.stats().tcpRejected).toBeGreaterThanOrEqual(2);
    for (const c of open) c.close();
  });
});
