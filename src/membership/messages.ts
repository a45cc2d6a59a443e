import type { ActorId } from '../store/types.js';
import { packValue, unpackValue } from '../transport/wire-codec.js';
import { MAX_DIGEST_BUCKET_BITS } from './digest.js';
import { actorIdBytes, internActorId } from './intern.js';
import type { MemberState } from './messaging.js';
import { cachedNews, newsKey, rememberNews } from './news-cache.js';

/**
 * The membership wire messages: a discriminated union, each encoded as a msgpack array
 * `[typeCode, ...fields]` and validated at ingress (decode, validate, then dispatch).
 *
 * TYPE CODES ARE APPEND-ONLY: never renumber or reuse a code; a new message gets the next number.
 * Actor ids travel as 16-byte bins, addresses as `host:port` strings.
 */
export const MessageCode = {
  /** `[1, seq, targetId]` direct probe. */
  Ping: 1,
  /** `[2, seq, targetId, targetAddr, wantNack]` probe target on my behalf. */
  PingReq: 2,
  /** `[3, seq]` answer to a ping (or relayed answer to a ping-req). */
  Ack: 3,
  /** `[4, seq]` a ping-req relay got no ack in time (Lifeguard: proves the relay is alive). */
  Nack: 4,
  /** `[5, id, addr, incarnation, meta]` member is alive. */
  Alive: 5,
  /** `[6, id, incarnation, fromId]` member is suspected by `from`. */
  Suspect: 6,
  /** `[7, id, incarnation, fromId]` member declared dead by `from`. */
  Dead: 7,
  /** `[8, id, incarnation]` member left gracefully. */
  Left: 8,
  /** `[9, session, chunk, join, reply, entries]`; entry `[id, addr, incarnation, stateCode, meta]`. */
  PushPull: 9,
  /** `[10, originId, seq, payload]` user broadcast, relayed with a transmit limit. */
  UserBroadcast: 10,
  /** `[11, payload]` user message for the receiving member only. */
  UserDirect: 11,
  /**
   * `[12, session, bucketBits, first, digests]` bucket digests `first ..` of `2^bucketBits`;
   * `digests` is a bin of big-endian u32s (see digest.ts).
   */
  Digest: 12,
  /**
   * `[13, session, bucketBits, reply, buckets, entries]` the sender's entries of mismatching
   * buckets; `buckets` is a bin of big-endian u16 bucket numbers; `reply` asks for the
   * receiver's entries of those buckets back. Entries as in push-pull.
   */
  DigestEntries: 13,
} as const;

/** State codes inside push-pull entries. Append-only. */
export const StateCode: Readonly<Record<MemberState, number>> = { alive: 0, suspect: 1, dead: 2, left: 3 };
const STATE_BY_CODE: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];

/** Member metadata: small string map. */
export type Meta = Readonly<Record<string, string>>;

/** A member's state as carried in push-pull. */
export interface MemberEntry {
  readonly id: ActorId;
  readonly addr: string;
  readonly incarnation: number;
  readonly state: MemberState;
  readonly meta: Meta;
}

/** Every membership message. */
export type Message =
  | { readonly type: 'ping'; readonly seq: number; readonly target: ActorId }
  | {
      readonly type: 'ping-req';
      readonly seq: number;
      readonly target: ActorId;
      readonly targetAddr: string;
      readonly nack: boolean;
    }
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'nack'; readonly seq: number }
  | {
      readonly type: 'alive';
      readonly id: ActorId;
      readonly addr: string;
      readonly incarnation: number;
      readonly meta: Meta;
    }
  | { readonly type: 'suspect'; readonly id: ActorId; readonly incarnation: number; readonly from: ActorId }
  | { readonly type: 'dead'; readonly id: ActorId; readonly incarnation: number; readonly from: ActorId }
  | { readonly type: 'left'; readonly id: ActorId; readonly incarnation: number }
  | {
      readonly type: 'push-pull';
      readonly session: number;
      readonly chunk: number;
      readonly join: boolean;
      readonly reply: boolean;
      readonly entries: readonly MemberEntry[];
    }
  | {
      readonly type: 'user-broadcast';
      readonly origin: ActorId;
      readonly seq: number;
      readonly payload: Uint8Array;
    }
  | { readonly type: 'user-direct'; readonly payload: Uint8Array }
  | {
      readonly type: 'digest';
      readonly session: number;
      readonly bucketBits: number;
      readonly first: number;
      readonly digests: Uint32Array;
    }
  | {
      readonly type: 'digest-entries';
      readonly session: number;
      readonly bucketBits: number;
      readonly reply: boolean;
      readonly buckets: readonly number[];
      readonly entries: readonly MemberEntry[];
    };

/** Bound on entries in one push-pull message. */
export const MAX_PUSH_PULL_ENTRIES = 512;
/** Bound on digests in one digest message (1 KiB of bin; senders send fewer when packets are smaller). */
export const MAX_DIGESTS_PER_MESSAGE = 256;
/** Bound on buckets listed in one digest-entries message (every bucket). */
export const MAX_LISTED_BUCKETS = 1 << MAX_DIGEST_BUCKET_BITS;
/** Bound on an address string. */
export const MAX_ADDR_CHARS = 128;
/** Bound on metadata keys. */
export const MAX_META_KEYS = 32;

/** Encodes one message. */
export function encodeMessage(m: Message): Uint8Array {
  return packValue(toTuple(m));
}

function metaToMap(meta: Meta): Record<string, string> {
  return { ...meta };
}

function entryTuple(e: MemberEntry): unknown[] {
  return [actorIdBytes(e.id), e.addr, e.incarnation, StateCode[e.state], metaToMap(e.meta)];
}

function toTuple(m: Message): unknown[] {
  switch (m.type) {
    case 'ping':
      return [MessageCode.Ping, m.seq, actorIdBytes(m.target)];
    case 'ping-req':
      return [MessageCode.PingReq, m.seq, actorIdBytes(m.target), m.targetAddr, m.nack];
    case 'ack':
      return [MessageCode.Ack, m.seq];
    case 'nack':
      return [MessageCode.Nack, m.seq];
    case 'alive':
      return [MessageCode.Alive, actorIdBytes(m.id), m.addr, m.incarnation, metaToMap(m.meta)];
    case 'suspect':
      return [MessageCode.Suspect, actorIdBytes(m.id), m.incarnation, actorIdBytes(m.from)];
    case 'dead':
      return [MessageCode.Dead, actorIdBytes(m.id), m.incarnation, actorIdBytes(m.from)];
    case 'left':
      return [MessageCode.Left, actorIdBytes(m.id), m.incarnation];
    case 'push-pull':
      return [MessageCode.PushPull, m.session, m.chunk, m.join, m.reply, m.entries.map(entryTuple)];
    case 'user-broadcast':
      return [MessageCode.UserBroadcast, actorIdBytes(m.origin), m.seq, m.payload];
    case 'user-direct':
      return [MessageCode.UserDirect, m.payload];
    case 'digest':
      return [MessageCode.Digest, m.session, m.bucketBits, m.first, u32sToBin(m.digests)];
    case 'digest-entries':
      return [
        MessageCode.DigestEntries,
        m.session,
        m.bucketBits,
        m.reply,
        u16sToBin(m.buckets),
        m.entries.map(entryTuple),
      ];
  }
}

function u32sToBin(v: Uint32Array): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) dv.setUint32(i * 4, v[i] as number);
  return out;
}

function u16sToBin(v: readonly number[]): Uint8Array {
  const out = new Uint8Array(v.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) dv.setUint16(i * 2, v[i] as number);
  return out;
}

const isU32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isId = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.length === 16;
const isAddr = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_ADDR_CHARS && /:\d{1,5}$/.test(v);

const EMPTY_META: Meta = Object.freeze({});

/** Validates a metadata map; returns a clean copy or undefined. */
export function validMeta(v: unknown, maxBytes: number): Meta | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return undefined;
  // One pass over the own keys, without the key and entry arrays: push-pull exchanges validate
  // one metadata map per member, and this was the largest cost of a 600-node join.
  // The copy is made by one spread (own enumerable keys, `__proto__` as a plain key).
  const src = v as Record<string, unknown>;
  let n = 0;
  let bytes = 0;
  for (const k in src) {
    if (!Object.hasOwn(src, k)) continue;
    const val = src[k];
    if (typeof val !== 'string' || ++n > MAX_META_KEYS) return undefined;
    bytes += k.length + val.length + 2;
    if (bytes > maxBytes) return undefined;
  }
  return n === 0 ? EMPTY_META : (Object.freeze({ ...src }) as Meta);
}

function decodeEntry(v: unknown, maxMetaBytes: number): MemberEntry | undefined {
  if (!Array.isArray(v) || v.length !== 5) return undefined;
  const [id, addr, inc, sc, meta] = v as unknown[];
  if (!isId(id) || !isAddr(addr) || !isU32(inc) || typeof sc !== 'number') return undefined;
  const state = STATE_BY_CODE[sc];
  const m = validMeta(meta, maxMetaBytes);
  if (!state || !m) return undefined;
  return { id: internActorId(id), addr, incarnation: inc, state, meta: m };
}

/** Result of decoding one message. */
export type DecodeResult = { ok: true; message: Message } | { ok: false; reason: 'decode' | 'invalid' };

/**
 * Decodes and validates one message. Never throws: malformed input gives `'decode'`, well-formed
 * msgpack that breaks a rule gives `'invalid'`. Valid member news is served from the
 * process-wide {@link cachedNews} cache when the same bytes were decoded before.
 */
export function decodeMessage(bytes: Uint8Array, maxMetaBytes: number): DecodeResult {
  return decodeMessageIn(bytes, 0, bytes.length, maxMetaBytes);
}

/**
 * {@link decodeMessage} of the bytes `buf[start, end)`. Member news found in the cache is
 * returned without building a view of those bytes (received packets carry mostly such news).
 */
export function decodeMessageIn(
  buf: Uint8Array,
  start: number,
  end: number,
  maxMetaBytes: number,
): DecodeResult {
  const key = newsKey(buf, start, end);
  if (key !== undefined) {
    const hit = cachedNews(key, maxMetaBytes);
    if (hit !== undefined) return hit;
  }
  let v: unknown;
  try {
    v = unpackValue(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
  } catch {
    return { ok: false, reason: 'decode' };
  }
  if (!Array.isArray(v) || v.length === 0) return { ok: false, reason: 'decode' };
  const m = fromTuple(v as unknown[], maxMetaBytes);
  if (!m) return { ok: false, reason: 'invalid' };
  const result = { ok: true, message: m } as const;
  if (key !== undefined) rememberNews(key, maxMetaBytes, result);
  return result;
}

function fromTuple(t: unknown[], maxMetaBytes: number): Message | undefined {
  const [code, a, b, c, d, e] = t;
  switch (code) {
    case MessageCode.Ping:
      return t.length === 3 && isU32(a) && isId(b)
        ? { type: 'ping', seq: a, target: internActorId(b) }
        : undefined;
    case MessageCode.PingReq:
      return t.length === 5 && isU32(a) && isId(b) && isAddr(c) && typeof d === 'boolean'
        ? { type: 'ping-req', seq: a, target: internActorId(b), targetAddr: c, nack: d }
        : undefined;
    case MessageCode.Ack:
      return t.length === 2 && isU32(a) ? { type: 'ack', seq: a } : undefined;
    case MessageCode.Nack:
      return t.length === 2 && isU32(a) ? { type: 'nack', seq: a } : undefined;
    case MessageCode.Alive: {
      if (t.length !== 5 || !isId(a) || !isAddr(b) || !isU32(c)) return undefined;
      const meta = validMeta(d, maxMetaBytes);
      return meta ? { type: 'alive', id: internActorId(a), addr: b, incarnation: c, meta } : undefined;
    }
    case MessageCode.Suspect:
    case MessageCode.Dead:
      if (t.length !== 4 || !isId(a) || !isU32(b) || !isId(c)) return undefined;
      return {
        type: code === MessageCode.Suspect ? 'suspect' : 'dead',
        id: internActorId(a),
        incarnation: b,
        from: internActorId(c),
      };
    case MessageCode.Left:
      return t.length === 3 && isId(a) && isU32(b)
        ? { type: 'left', id: internActorId(a), incarnation: b }
        : undefined;
    case MessageCode.PushPull: {
      if (t.length !== 6 || !isU32(a) || !isU32(b) || typeof c !== 'boolean' || typeof d !== 'boolean')
        return undefined;
      if (!Array.isArray(e) || e.length > MAX_PUSH_PULL_ENTRIES) return undefined;
      const entries: MemberEntry[] = [];
      for (const x of e) {
        const entry = decodeEntry(x, maxMetaBytes);
        if (!entry) return undefined;
        entries.push(entry);
      }
      return { type: 'push-pull', session: a, chunk: b, join: c, reply: d, entries };
    }
    case MessageCode.UserBroadcast:
      return t.length === 4 && isId(a) && isU32(b) && c instanceof Uint8Array
        ? { type: 'user-broadcast', origin: internActorId(a), seq: b, payload: c }
        : undefined;
    case MessageCode.UserDirect:
      return t.length === 2 && a instanceof Uint8Array ? { type: 'user-direct', payload: a } : undefined;
    case MessageCode.Digest:
      return t.length === 5 ? decodeDigest(a, b, c, d) : undefined;
    case MessageCode.DigestEntries:
      return t.length === 6 ? decodeDigestEntries(a, b, c, d, e, maxMetaBytes) : undefined;
    default:
      return undefined;
  }
}

const isBits = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_DIGEST_BUCKET_BITS;

function decodeDigest(session: unknown, bits: unknown, first: unknown, bin: unknown): Message | undefined {
  if (!isU32(session) || !isBits(bits) || !isU32(first) || !(bin instanceof Uint8Array)) return undefined;
  const k = bin.length / 4;
  if (!Number.isInteger(k) || k === 0 || k > MAX_DIGESTS_PER_MESSAGE || first + k > 1 << bits)
    return undefined;
  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const digests = new Uint32Array(k);
  for (let i = 0; i < k; i++) digests[i] = dv.getUint32(i * 4);
  return { type: 'digest', session, bucketBits: bits, first, digests };
}

function decodeDigestEntries(
  session: unknown,
  bits: unknown,
  reply: unknown,
  bin: unknown,
  list: unknown,
  maxMetaBytes: number,
): Message | undefined {
  if (!isU32(session) || !isBits(bits) || typeof reply !== 'boolean' || !(bin instanceof Uint8Array)) {
    return undefined;
  }
  const k = bin.length / 2;
  if (!Number.isInteger(k) || k > MAX_LISTED_BUCKETS) return undefined;
  if (!Array.isArray(list) || list.length > MAX_PUSH_PULL_ENTRIES) return undefined;
  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const buckets: number[] = [];
  for (let i = 0; i < k; i++) {
    const b = dv.getUint16(i * 2);
    if (b >= 1 << bits) return undefined;
    buckets.push(b);
  }
  const entries: MemberEntry[] = [];
  for (const x of list) {
    const entry = decodeEntry(x, maxMetaBytes);
    if (!entry) return undefined;
    entries.push(entry);
  }
  return { type: 'digest-entries', session, bucketBits: bits, reply, buckets, entries };
}
