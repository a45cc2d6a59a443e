import { bucketOf } from './digest.js';
import type { MemberRecord } from './member-table.js';
import { MAX_PUSH_PULL_ENTRIES, type MemberEntry } from './messages.js';

/**
 * The pure parts of digest-gated push-pull (the wiring to packets is in core.ts):
 *
 * 1. The initiator sends its bucket digests folded to `2^bucketBits` buckets, in digest messages
 *    of at most `MAX_DIGESTS_PER_MESSAGE` digests each.
 * 2. The receiver compares each digest message with its own fold ({@link mismatchingBuckets})
 *    and, if some differ, answers with its entries of those buckets and their list
 *    (`digest-entries`, `reply` set). Equal views: nothing is answered.
 * 3. The initiator merges those entries and answers with its own entries of the listed buckets
 *    (`reply` unset), which the receiver merges.
 *
 * Bound: one answer carries at most {@link DIGEST_MAX_ENTRIES} entries. Views that differ in
 * more (a healed partition, a node back from isolation, an initiator that chose few buckets
 * from a small view) are answered with a full push-pull instead, which repairs them in one
 * round rather than over many capped ones; that is the only case where full state travels.
 */

/** Bound on the entries of one digest answer; beyond it a full push-pull is sent instead. */
export const DIGEST_MAX_ENTRIES = 512;

/** Buckets `first ..` whose digest in `theirs` differs from `own` (own folded to the same size). */
export function mismatchingBuckets(own: Uint32Array, first: number, theirs: Uint32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < theirs.length; i++) if (own[first + i] !== theirs[i]) out.push(first + i);
  return out;
}

/** One record as a push-pull entry. */
export function toEntry(r: MemberRecord): MemberEntry {
  return { id: r.actorId, addr: r.addr, incarnation: r.incarnation, state: r.state, meta: r.meta };
}

/**
 * Entries of the records in `buckets` (of `2^bits`), grouped by bucket in the order of
 * `buckets`; undefined when there are more than `cap`.
 */
export function bucketEntries(
  records: Iterable<MemberRecord>,
  bits: number,
  buckets: readonly number[],
  cap: number,
): MemberEntry[][] | undefined {
  const slot = new Int32Array(1 << bits).fill(-1);
  buckets.forEach((b, i) => {
    slot[b] = i;
  });
  const groups: MemberEntry[][] = buckets.map(() => []);
  let n = 0;
  for (const r of records) {
    const i = slot[bucketOf(r.actorId, bits)] as number;
    if (i < 0) continue;
    if (++n > cap) return undefined;
    (groups[i] as MemberEntry[]).push(toEntry(r));
  }
  return groups;
}

/** One digest-entries message's content. */
export interface BucketChunk {
  buckets: number[];
  entries: MemberEntry[];
}

/**
 * Packs buckets and their entries into chunks that each fit `budgetBytes` (2 bytes per listed
 * bucket plus `sizeOf` per entry) and hold at most `MAX_PUSH_PULL_ENTRIES` entries. A bucket is
 * listed in exactly one chunk, the one that carries its first entry (so the peer answers each
 * bucket once); a bucket whose entries do not fit one chunk continues in the next ones.
 */
export function chunkBuckets(
  buckets: readonly number[],
  groups: readonly MemberEntry[][],
  budgetBytes: number,
  sizeOf: (e: MemberEntry) => number,
): BucketChunk[] {
  const chunks: BucketChunk[] = [];
  let cur: BucketChunk = { buckets: [], entries: [] };
  let used = 0;
  const room = (s: number): boolean =>
    (cur.buckets.length === 0 && cur.entries.length === 0) ||
    (used + s <= budgetBytes && cur.entries.length < MAX_PUSH_PULL_ENTRIES);
  const next = (): void => {
    chunks.push(cur);
    cur = { buckets: [], entries: [] };
    used = 0;
  };
  buckets.forEach((b, i) => {
    const es = groups[i] ?? [];
    const first = es[0];
    if (!room(2 + (first ? sizeOf(first) : 0))) next();
    cur.buckets.push(b);
    used += 2;
    es.forEach((e, j) => {
      const s = sizeOf(e);
      // The first entry was counted with its bucket above.
      if (j > 0 && !room(s)) next();
      cur.entries.push(e);
      used += s;
    });
  });
  if (cur.buckets.length > 0 || cur.entries.length > 0) chunks.push(cur);
  return chunks;
}
