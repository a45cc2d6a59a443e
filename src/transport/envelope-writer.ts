import { binHeaderBytes, encodeEnvelope } from './wire-codec.js';

/**
 * One buffer for every body of every writer in the process: a fresh buffer per packet was an
 * off-heap allocation each, and the caller (the sealer) copies the body at once. JavaScript
 * runs one writer at a time, so sharing is safe. Grows to the largest body written.
 */
let scratch = new Uint8Array(2048);

/**
 * Writes the packet bodies of one sender in one cluster: the exact bytes of
 * {@link encodeEnvelope}, without msgpackr. Why: a body is a constant prefix (version, cluster,
 * sender) and an array of already-encoded messages, and msgpackr's generic walk over that array
 * was about a tenth of the CPU of a 600-node join; here it is one size sum and one copy per
 * message. The prefix comes from `encodeEnvelope` itself, so the two cannot disagree on it.
 */
export class EnvelopeWriter {
  private readonly prefix: Uint8Array;

  /** @param cluster cluster name; @param sender 16-byte sender actor id. */
  constructor(cluster: string, sender: Uint8Array) {
    const empty = encodeEnvelope(cluster, sender, []);
    // The body without messages ends with the empty array header (0x90). A copy, not a view:
    // the encoder's result shares its reusable buffer.
    this.prefix = Uint8Array.prototype.slice.call(empty, 0, empty.length - 1);
  }

  /**
   * The body carrying `messages`, byte for byte what `encodeEnvelope` gives. The result is a
   * view of a buffer that the next call of any writer reuses: copy it (as sealing does) first.
   */
  encode(messages: readonly Uint8Array[]): Uint8Array {
    const n = messages.length;
    let size = this.prefix.length + arrayHeaderBytes(n);
    for (const m of messages) size += binHeaderBytes(m.length) + m.length;
    if (size > scratch.length) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
    const out = scratch;
    out.set(this.prefix, 0);
    let p = this.prefix.length;
    // msgpack array header (fixarray, array 16, array 32), as msgpackr writes it.
    if (n < 0x10) out[p++] = 0x90 | n;
    else if (n < 0x10000) {
      out[p++] = 0xdc;
      out[p++] = n >> 8;
      out[p++] = n & 0xff;
    } else {
      out[p++] = 0xdd;
      p = writeU32(out, p, n);
    }
    for (const m of messages) {
      const len = m.length;
      // msgpack bin 8, bin 16, bin 32, as msgpackr writes a byte array.
      if (len < 0x100) {
        out[p++] = 0xc4;
        out[p++] = len;
      } else if (len < 0x10000) {
        out[p++] = 0xc5;
        out[p++] = len >> 8;
        out[p++] = len & 0xff;
      } else {
        out[p++] = 0xc6;
        p = writeU32(out, p, len);
      }
      out.set(m, p);
      p += len;
    }
    return out.subarray(0, size);
  }
}

function arrayHeaderBytes(n: number): number {
  return n < 0x10 ? 1 : n < 0x10000 ? 3 : 5;
}

function writeU32(out: Uint8Array, p: number, v: number): number {
  out[p] = v >>> 24;
  out[p + 1] = (v >>> 16) & 0xff;
  out[p + 2] = (v >>> 8) & 0xff;
  out[p + 3] = v & 0xff;
  return p + 4;
}
