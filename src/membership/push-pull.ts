import type { MemberEntry } from './messages.js';
import { MAX_PUSH_PULL_ENTRIES } from './messages.js';

/**
 * Push-pull: the periodic exchange of the full member table with one member, which repairs what
 * gossip missed and heals partitions. memberlist sends it over TCP; corro has only datagrams, so
 * the table travels in chunks that each fit one packet. Every chunk is merged on its own (the
 * merge is per member), so a lost chunk only delays the members it carried.
 */

/**
 * Push-pull interval for `n` members (memberlist pushPullScale): the base interval up to 32
 * members, then `base * (ceil(log2(n) - log2(32)) + 1)`, so full-state traffic stays bounded
 * as the cluster grows.
 */
export function pushPullIntervalMs(baseMs: number, n: number): number {
  const threshold = 32;
  if (n <= threshold) return baseMs;
  const mult = Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1;
  return baseMs * mult;
}

/**
 * Splits entries into chunks whose encoded size (as measured by `sizeOf`) stays within
 * `budgetBytes` and that hold at most {@link MAX_PUSH_PULL_ENTRIES} entries. Always returns at
 * least one (possibly empty) chunk so a push-pull can carry just the join/reply flags.
 */
export function chunkEntries(
  entries: readonly MemberEntry[],
  budgetBytes: number,
  sizeOf: (e: MemberEntry) => number,
): MemberEntry[][] {
  const chunks: MemberEntry[][] = [];
  let cur: MemberEntry[] = [];
  let used = 0;
  for (const e of entries) {
    const s = sizeOf(e);
    if (cur.length > 0 && (used + s > budgetBytes || cur.length >= MAX_PUSH_PULL_ENTRIES)) {
      chunks.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(e);
    used += s;
  }
  chunks.push(cur);
  return chunks;
}
