import type { Message } from './messages.js';

/**
 * Process-wide cache of decoded member news (alive, suspect, dead and left messages), keyed by
 * their encoded bytes.
 *
 * Why: member news is piggybacked `retransmitLimit` times by every member that learns it, so
 * each member receives the same bytes about ten times, and in one process running many nodes
 * (the simulator) every node receives them too. Decoding and validating them again each time
 * (msgpack, hex actor ids, metadata) was about a fifth of the CPU of a 600-node join. A hit
 * costs one latin1 string of the bytes and one map lookup, and returns the decoded message with
 * its actor id string shared, whose hash V8 then keeps, so member-table lookups get cheaper too.
 *
 * Safe to share: a decoded message is immutable (readonly fields, frozen metadata, strings)
 * and is a pure function of its bytes and of the metadata bound it was validated against,
 * which is kept with each entry. Only valid decodes are kept, so an invalid message is
 * rejected again every time and counted as before.
 *
 * Bound: {@link MAX_CACHED_NEWS} entries; at the bound the cache is cleared and fills again
 * (later messages are decoded afresh; nothing else changes).
 */
export const MAX_CACHED_NEWS = 65_536;

/** Messages longer than this are not cached (news is far shorter; the bound keeps keys small). */
export const MAX_CACHED_NEWS_BYTES = 1024;

/** A successful decode, shared by every hit (one allocation less per received message). */
export interface DecodedNews {
  readonly ok: true;
  readonly message: Message;
}

interface Entry {
  readonly maxMetaBytes: number;
  readonly result: DecodedNews;
}

const entries = new Map<string, Entry>();

// Node's native latin1 decoding accepts any Uint8Array and makes a one-byte string of the same
// length, the cheapest exact key of the bytes available without hashing them in JS.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: (s: number, e: number) => string })
  .latin1Slice;

/**
 * The cache key of `buf[start, end)` (the encoded message), or undefined when those bytes are
 * not cacheable member news.
 */
export function newsKey(buf: Uint8Array, start = 0, end = buf.length): string | undefined {
  // Member news is a msgpack fixarray whose first element is the type code 5 to 8 (see
  // MessageCode); nothing else is worth caching (probe sequence numbers never repeat).
  const len = end - start;
  if (len > MAX_CACHED_NEWS_BYTES || len < 2) return undefined;
  const code = buf[start + 1] as number;
  if ((buf[start] as number) >> 4 !== 0x9 || code < 5 || code > 8) return undefined;
  return latin1Slice.call(buf, start, end);
}

/** The cached decode of the bytes with `key`, validated against `maxMetaBytes`. */
export function cachedNews(key: string, maxMetaBytes: number): DecodedNews | undefined {
  const e = entries.get(key);
  return e !== undefined && e.maxMetaBytes === maxMetaBytes ? e.result : undefined;
}

/** Remembers the valid decode of the bytes with `key`. */
export function rememberNews(key: string, maxMetaBytes: number, result: DecodedNews): void {
  if (entries.size >= MAX_CACHED_NEWS) entries.clear();
  entries.set(key, { maxMetaBytes, result });
}

/** Entries cached (for tests). */
export function cachedNewsCount(): number {
  return entries.size;
}
