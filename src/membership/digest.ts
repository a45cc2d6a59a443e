import type { MemberState } from './messaging.js';

/**
 * Bucket digests of the member table, kept incrementally, for digest-gated push-pull.
 *
 * Every member falls in one of {@link DIGEST_BUCKETS} buckets by a hash of its actor id; a
 * bucket's digest is the XOR of a 32-bit hash of each of its members' (actor id, incarnation,
 * state class). XOR makes every add, remove or update O(1): remove the old contribution, add the
 * new one. Two nodes whose bucket digests agree hold the same (incarnation, state class) for
 * every member of that bucket, up to a 2^-32 chance of collision per differing bucket (a
 * collision only delays the repair of that bucket until one of its members changes again).
 *
 * The state class is what the merge rules compare: `alive` and `suspect` differ (a suspect claim
 * at an equal incarnation beats alive). `dead` and `left` members contribute nothing, as if
 * absent: a dead or left claim about a member the receiver does not know merges into nothing,
 * and nodes forget dead members `deadRetentionMs` after they saw them die, at different times;
 * hashing them would keep buckets differing for minutes with nothing to repair. A member that
 * one node holds alive and another dead still makes the bucket differ, which is what matters.
 *
 * The hashes are FNV-1a over the actor id string finished with murmur3's fmix32, and fmix32
 * rounds to fold in the incarnation and state. No cryptographic strength is needed: every
 * packet is authenticated by the cluster key, so only members choose actor ids, and the digest
 * only decides what to exchange, never what to believe (entries still go through the merge
 * rules). What is needed is a deterministic, well-spread 32-bit value, cheap in JavaScript
 * (`Math.imul`, no allocation): fmix32 has full avalanche, so ids that differ in one character
 * and incarnations that differ by one land in unrelated buckets and digests.
 */

/** Number of bucket digests each node keeps (a power of two). */
export const DIGEST_BUCKETS = 1024;
/** log2 of {@link DIGEST_BUCKETS}: the largest `bucketBits` a digest message may carry. */
export const MAX_DIGEST_BUCKET_BITS = 10;

/** What the digest reads of a member record, plus the one field it owns there. */
export interface DigestRecord {
  readonly actorId: string;
  readonly incarnation: number;
  readonly state: MemberState;
  /**
   * What the digest last counted for this record, `incarnation * 4 + state code` (a small
   * integer, kept unboxed by V8, rather than the 32-bit hash, which would be a heap number per
   * record), or undefined when not counted. Owned by the digest.
   */
  digestKey?: number | undefined;
}

const STATE_CODE: Readonly<Record<MemberState, number>> = { alive: 0, suspect: 1, dead: 2, left: 3 };
const STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];

/** The record's current `digestKey`. */
function keyOf(r: DigestRecord): number {
  return r.incarnation * 4 + STATE_CODE[r.state];
}

/** A record's contribution from its actor id hash and a `digestKey`. */
function keyHash(idH: number, key: number): number {
  return entryHash(idH, Math.floor(key / 4), STATES[key % 4] as MemberState);
}

/** murmur3's 32-bit finaliser: full avalanche, a few multiplications. */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of an actor id (FNV-1a over its characters, then fmix32); its low bits pick the bucket. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * A member's contribution to its bucket digest: 0 for dead and left members (absent), otherwise
 * a hash of (id hash, incarnation, alive/suspect).
 */
export function entryHash(idH: number, incarnation: number, state: MemberState): number {
  if (state === 'dead' || state === 'left') return 0;
  const cls = state === 'alive' ? 0x9e3779b9 : 0x7f4a7c15;
  return fmix32(fmix32(idH ^ cls) ^ incarnation) || 1;
}

/** Number of buckets (as `bucketBits`) for `n` members: about 8-16 members per bucket, 1 bucket below 16. */
export function digestBucketBits(n: number): number {
  if (n < 16) return 0;
  return Math.min(MAX_DIGEST_BUCKET_BITS, Math.floor(Math.log2(n / 8)));
}

/** The incrementally kept bucket digests of one member table. */
export class MemberDigest {
  /** The {@link DIGEST_BUCKETS} bucket digests. */
  readonly buckets = new Uint32Array(DIGEST_BUCKETS);

  /** Adds a record that is not yet counted. */
  add(r: DigestRecord): void {
    const key = keyOf(r);
    r.digestKey = key;
    const idH = idHash(r.actorId);
    this.xor(idH, keyHash(idH, key));
  }

  /** Removes a counted record. */
  remove(r: DigestRecord): void {
    if (r.digestKey === undefined) return;
    const idH = idHash(r.actorId);
    this.xor(idH, keyHash(idH, r.digestKey));
    r.digestKey = undefined;
  }

  /** Must be called after a counted record's incarnation or state changed. */
  update(r: DigestRecord): void {
    const old = r.digestKey;
    const key = keyOf(r);
    if (old === undefined || old === key) return;
    const idH = idHash(r.actorId);
    this.xor(idH, keyHash(idH, old) ^ keyHash(idH, key));
    r.digestKey = key;
  }

  /** The digests folded to `2^bits` buckets: bucket `i` is the XOR of every bucket `j` with `j mod 2^bits = i`. */
  fold(bits: number): Uint32Array {
    return foldDigests(this.buckets, bits);
  }

  private xor(idH: number, h: number): void {
    const b = idH & (DIGEST_BUCKETS - 1);
    this.buckets[b] = ((this.buckets[b] as number) ^ h) >>> 0;
  }
}

/** Folds {@link DIGEST_BUCKETS} digests to `2^bits` (see {@link MemberDigest.fold}). */
export function foldDigests(buckets: Uint32Array, bits: number): Uint32Array {
  const n = 1 << bits;
  const out = new Uint32Array(n);
  for (let j = 0; j < buckets.length; j++) {
    const i = j & (n - 1);
    out[i] = ((out[i] as number) ^ (buckets[j] as number)) >>> 0;
  }
  return out;
}

/** The bucket digests computed from scratch (the reference the incremental ones must equal). */
export function digestFromScratch(
  records: Iterable<{ actorId: string; incarnation: number; state: MemberState }>,
): Uint32Array {
  const out = new Uint32Array(DIGEST_BUCKETS);
  for (const r of records) {
    const ih = idHash(r.actorId);
    const b = ih & (DIGEST_BUCKETS - 1);
    out[b] = ((out[b] as number) ^ entryHash(ih, r.incarnation, r.state)) >>> 0;
  }
  return out;
}

/** Which bucket of `2^bits` a member falls in. */
export function bucketOf(actorId: string, bits: number): number {
  return idHash(actorId) & ((1 << bits) - 1);
}
