/**
 * The DNS message layer: decodes a query, validates it, looks the name up in the fleet
 * tables and encodes the response, truncating when it does not fit. No sockets here: the UDP
 * and TCP listeners feed it bytes.
 * @packageDocumentation
 */
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import * as dnsPacket from 'dns-packet';
import { rttMs } from '../regions/latency.js';
import type { Clock } from '../runtime/clock.js';
import type { AnswerRecord, Lookup, RegionLatency } from './answer.js';
import { lookup } from './answer.js';
import type { DnsOptions } from './dns-config.js';
import type { DnsStats } from './dns-stats.js';
import { newDnsStats } from './dns-stats.js';
import type { FleetQuery, HostLiveness } from './fleet-reader.js';
import { FleetReader } from './fleet-reader.js';
import { parseName } from './names.js';

/** Where a message arrived; decides the response size limit. */
export type DnsTransportKind = 'udp' | 'tcp';

/** What the responder reads from. */
export interface DnsResponderDeps {
  /** Reads the fleet tables (see {@link FleetQuery}). */
  readonly query: FleetQuery;
  /** Region latency for nearest answers. Default: the built-in world matrix (`regions/`); unknown regions sort last. */
  readonly latency?: RegionLatency;
  /** Builds the live-host filter once per query (see `livenessFromMembers`). Default: every host is live. */
  readonly hostLiveness?: () => HostLiveness | Promise<HostLiveness>;
  /** For the SOA serial (seconds since the epoch). */
  readonly clock: Clock;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;

const QR = 0x8000;
const AA = 0x0400;
const TC = 0x0200;
const RD = 0x0100;
const HEADER_BYTES = 12;
const UDP_DEFAULT_BYTES = 512;
const TCP_MAX_BYTES = 65_535;
const TXT_CHUNK_BYTES = 255;

/** Answers DNS messages for the `.internal` zone from the fleet tables. */
export class DnsResponder {
  private readonly reader: FleetReader;
  private readonly latency: RegionLatency;
  private inflight = 0;
  private rotation = 0;

  constructor(
    private readonly options: DnsOptions,
    private readonly deps: DnsResponderDeps,
    /** Counters to add to; shared with the listeners so one snapshot holds everything. */
    private readonly counters: DnsStats = newDnsStats(),
  ) {
    this.reader = new FleetReader(deps.query, options.maxRowsPerLookup);
    this.latency = deps.latency ?? rttMs;
  }

  /** A copy of the counters. */
  stats(): DnsStats {
    return { ...this.counters };
  }

  /**
   * Answers one message. Resolves to the response bytes, or `null` when the message is
   * dropped (too short for a header, a response rather than a query, or UDP overload). Never
   * rejects: every fault becomes an rcode or a counter.
   */
  async handle(msg: Uint8Array, via: DnsTransportKind): Promise<Uint8Array | null> {
    if (via === 'udp') this.counters.queriesUdp++;
    else this.counters.queriesTcp++;
    const buf = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
    if (buf.length < HEADER_BYTES) {
      this.counters.droppedMalformed++;
      return null;
    }
    const id = buf.readUInt16BE(0);
    const flags = buf.readUInt16BE(2);
    if (flags & QR) {
      this.counters.droppedResponses++;
      return null;
    }
    const opcode = (flags >> 11) & 0xf;
    const rd = flags & RD;
    try {
      return await this.answer(buf, id, opcode, rd, via);
    } catch {
      // Nothing above should throw (decode and lookup are guarded); if the encoder still
      // refuses something a decoder accepted, the client gets SERVFAIL, never a crash.
      this.counters.internalErrors++;
      return this.headerOnly(id, opcode, rd, 'SERVFAIL');
    }
  }

  private async answer(
    buf: Buffer,
    id: number,
    opcode: number,
    rd: number,
    via: DnsTransportKind,
  ): Promise<Uint8Array | null> {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(buf);
    } catch {
      return this.headerOnly(id, opcode, rd, 'FORMERR');
    }
    if (opcode !== 0) return this.headerOnly(id, opcode, rd, 'NOTIMP');
    const questions = query.questions ?? [];
    const question = questions[0];
    if (questions.length !== 1 || question === undefined) return this.headerOnly(id, opcode, rd, 'FORMERR');
    const opt = (query.additionals ?? []).find((a) => a.type === 'OPT') as
      | { udpPayloadSize?: number }
      | undefined;
    const limit =
      via === 'tcp'
        ? TCP_MAX_BYTES
        : opt
          ? Math.max(UDP_DEFAULT_BYTES, Math.min(opt.udpPayloadSize ?? 0, this.options.maxUdpPayloadBytes))
          : UDP_DEFAULT_BYTES;
    const reply = (rcode: Rcode, result?: Lookup): Uint8Array =>
      this.encode({ id, rd, question, rcode, result, withOpt: opt !== undefined, limit });

    const qclass = question.class ?? 'IN';
    if (qclass !== 'IN' && qclass !== 'ANY') return reply('REFUSED');
    const name = parseName(question.name, this.options.domain, this.options.maxAnswerRecords);
    if (name === null) return reply('REFUSED');
    if (this.inflight >= this.options.maxInflightQueries) {
      if (via === 'udp') {
        this.counters.droppedOverload++;
        return null;
      }
      return reply('SERVFAIL');
    }
    this.inflight++;
    try {
      const liveness = this.deps.hostLiveness ? await this.deps.hostLiveness() : undefined;
      const qtype: string = question.type;
      const result = await lookup(name, qtype, {
        reader: this.reader,
        localRegion: this.options.localRegion,
        latency: this.latency,
        liveness,
        maxAnswerRecords: this.options.maxAnswerRecords,
        rotation: this.rotation++,
      });
      if (name.kind === 'apex' && (qtype === 'SOA' || qtype === 'ANY')) {
        return this.encode({
          id,
          rd,
          question,
          rcode: 'NOERROR',
          result,
          withOpt: opt !== undefined,
          limit,
          soaAnswer: true,
        });
      }
      return reply(result.exists ? 'NOERROR' : 'NXDOMAIN', result);
    } catch {
      this.counters.readerErrors++;
      return reply('SERVFAIL');
    } finally {
      this.inflight--;
    }
  }

  private headerOnly(id: number, opcode: number, rd: number, rcode: Rcode): Uint8Array {
    this.count(rcode, false);
    const out = Buffer.alloc(HEADER_BYTES);
    out.writeUInt16BE(id, 0);
    out.writeUInt16BE(QR | (opcode << 11) | rd | RCODE[rcode], 2);
    return out;
  }

  private encode(a: {
    id: number;
    rd: number;
    question: Question;
    rcode: Rcode;
    result: Lookup | undefined;
    withOpt: boolean;
    limit: number;
    soaAnswer?: boolean;
  }): Uint8Array {
    const records = a.result?.records ?? [];
    const answers: Answer[] = a.soaAnswer
      ? [this.soa(this.options.ttlS)]
      : records.map((r) => this.toAnswer(a.question.name, r));
    // Negative answers (NXDOMAIN and NODATA) carry the zone's SOA so resolvers can cache them (RFC 2308).
    const negative = a.rcode === 'NXDOMAIN' || (a.rcode === 'NOERROR' && answers.length === 0);
    const authorities: Answer[] = negative ? [this.soa(this.options.negativeTtlS)] : [];
    const additionals: Answer[] = a.withOpt ? [this.opt()] : [];
    const packet: Packet = {
      type: 'response',
      id: a.id,
      flags: AA | a.rd | RCODE[a.rcode],
      questions: [a.question],
      answers,
      authorities,
      additionals,
    };
    let out = dnsPacket.encode(packet);
    let truncated = false;
    if (out.length > a.limit) {
      // RFC 2181 9: a truncated response may carry no records; the client retries over TCP.
      truncated = true;
      out = dnsPacket.encode({ ...packet, flags: (packet.flags ?? 0) | TC, answers: [], authorities: [] });
    }
    this.count(a.rcode, a.rcode === 'NOERROR' && answers.length === 0);
    if (truncated) this.counters.truncated++;
    return out;
  }

  private count(rcode: Rcode, nodata: boolean): void {
    const c = this.counters;
    if (nodata) c.nodata++;
    else if (rcode === 'NOERROR') c.noerror++;
    else if (rcode === 'NXDOMAIN') c.nxdomain++;
    else if (rcode === 'REFUSED') c.refused++;
    else if (rcode === 'FORMERR') c.formerr++;
    else if (rcode === 'SERVFAIL') c.servfail++;
    else c.notimp++;
  }

  private toAnswer(name: string, r: AnswerRecord): Answer {
    if (r.type === 'AAAA') return { type: 'AAAA', name, ttl: this.options.ttlS, class: 'IN', data: r.data };
    return { type: 'TXT', name, ttl: this.options.ttlS, class: 'IN', data: txtChunks(r.data) };
  }

  private soa(ttl: number): Answer {
    const d = this.options.domain;
    return {
      type: 'SOA',
      name: d,
      ttl,
      class: 'IN',
      data: {
        mname: `ns.${d}`,
        rname: `hostmaster.${d}`,
        // The tables have no zone version; seconds since the epoch only ever grow, which is
        // all a serial must do.
        serial: Math.floor(this.deps.clock.now() / 1000) >>> 0,
        refresh: 3600,
        retry: 600,
        expire: 86_400,
        minimum: this.options.negativeTtlS,
      },
    };
  }

  private opt(): Answer {
    return {
      type: 'OPT',
      name: '.',
      udpPayloadSize: this.options.maxUdpPayloadBytes,
      extendedRcode: 0,
      ednsVersion: 0,
      flags: 0,
      flag_do: false,
      options: [],
    };
  }
}

/** Splits a TXT value into character-strings of at most 255 bytes (RFC 1035 3.3.14). */
export function txtChunks(s: string): Buffer[] {
  const bytes = Buffer.from(s, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += TXT_CHUNK_BYTES) out.push(bytes.subarray(i, i + TXT_CHUNK_BYTES));
  return out.length > 0 ? out : [Buffer.alloc(0)];
}
