import { MAX_MESSAGES_PER_PACKET, PROTOCOL_VERSION, packValue } from './wire-codec.js';

/**
 * Reads packet bodies in the form {@link EnvelopeWriter} (and `encodeEnvelope`) writes them,
 * as spans of the body, without msgpackr and without one view object per message. Why: every
 * received packet carries about twenty piggybacked messages, most of them news the receiver
 * already has; building a decoded array and a view per message was a large share of the
 * allocation (and so of the garbage collection) of a 600-node join.
 *
 * Only the exact canonical form is read: a body in any other form, valid or not, gives
 * undefined and the caller decodes it with `decodeEnvelope`, which stays the one authority on
 * what is valid. So whenever this reader accepts a body, `decodeEnvelope` accepts it too, with
 * the same sender and the same message bytes.
 */
export class EnvelopeReader {
  /** `[fixarray 4, version, cluster string]` as the writer encodes them. */
  private readonly head: Uint8Array;

  /** @param cluster the cluster name every accepted body must carry. */
  constructor(cluster: string) {
    // packValue([version, cluster]) starts with fixarray 2 (0x92); a body starts with fixarray 4.
    const two = packValue([PROTOCOL_VERSION, cluster]);
    this.head = Uint8Array.prototype.slice.call(two, 0);
    this.head[0] = 0x94;
  }

  /**
   * The spans of a canonical body: `[senderStart, start0, end0, start1, end1, ...]`, the sender
   * being 16 bytes at `senderStart` and message `i` the bytes `[start_i, end_i)` of `body`; or
   * undefined when the body is not in canonical form (decode it with `decodeEnvelope`).
   */
  read(body: Uint8Array): number[] | undefined {
    const head = this.head;
    const len = body.length;
    if (len < head.length + 19) return undefined;
    for (let i = 0; i < head.length; i++) if (body[i] !== head[i]) return undefined;
    let p = head.length;
    if (body[p] !== 0xc4 || body[p + 1] !== 16) return undefined;
    const spans = [p + 2];
    p += 18;
    const h = body[p++] as number;
    let n: number;
    if (h >= 0x90 && h <= 0x9f) n = h & 0x0f;
    else if (h === 0xdc && p + 2 <= len) {
      n = ((body[p] as number) << 8) | (body[p + 1] as number);
      p += 2;
    } else return undefined;
    if (n > MAX_MESSAGES_PER_PACKET) return undefined;
    for (let i = 0; i < n; i++) {
      const t = body[p++];
      let m: number;
      if (t === 0xc4 && p + 1 <= len) m = body[p++] as number;
      else if (t === 0xc5 && p + 2 <= len) {
        m = ((body[p] as number) << 8) | (body[p + 1] as number);
        p += 2;
      } else return undefined;
      if (p + m > len) return undefined;
      spans.push(p, p + m);
      p += m;
    }
    return p === len ? spans : undefined;
  }
}
