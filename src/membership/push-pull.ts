import type { MemberEntry } from './messages.js';
import { MAX_PUSH_PULL_ENTRIES } from './messages.js';

/**
 * Push-pull: the exchange of the full member table with one member. memberlist sends it over
 * TCP; corro has only datagrams, so the table travels in chunks that each fit one packet. Every
 * chunk is merged on its own (the merge is per member), so a lost chunk only delays the members
 * it carried. A full exchange runs on join (with the bootstrap nodes) and as the fallback of a
 * digest round whose views differ in many members; the periodic repair is digest-gated
 * (digest.ts, digest-exchange.ts), and costs a few small packets when views agree.
 */

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
