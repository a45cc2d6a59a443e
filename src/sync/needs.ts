import type { ActorBook, Needs, SyncState, VersionRange } from '../store/types.js';

/**
 * Version-range arithmetic for anti-entropy: what a peer has that we lack, and how to cut
 * that into bounded chunks. Pure functions over sorted, disjoint, inclusive ranges.
 */

/** Sorts and merges ranges (overlapping or adjacent) into sorted disjoint ranges. */
export function normalizeRanges(ranges: readonly VersionRange[]): VersionRange[] {
  const s = ranges.filter((r) => r[0] <= r[1]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of s) {
    const last = out[out.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** The versions a book says are applied: `[1, max]` minus the gaps. */
export function haveRanges(book: ActorBook): VersionRange[] {
  if (book.max < 1) return [];
  if (book.gaps.length === 0) return [[1, book.max]];
  return subtractRanges([[1, book.max]], book.gaps);
}

/** `a` minus `b`; both may be unsorted; the result is sorted and disjoint. */
export function subtractRanges(a: readonly VersionRange[], b: readonly VersionRange[]): VersionRange[] {
  const bs = normalizeRanges(b);
  const out: VersionRange[] = [];
  for (const [from0, to] of normalizeRanges(a)) {
    let from = from0;
    for (const [bf, bt] of bs) {
      if (bt < from) continue;
      if (bf > to) break;
      if (bf > from) out.push([from, bf - 1]);
      from = Math.max(from, bt + 1);
      if (from > to) break;
    }
    if (from <= to) out.push([from, to]);
  }
  return out;
}

/** Number of versions in a list of disjoint ranges. */
export function rangeCount(ranges: readonly VersionRange[]): number {
  let n = 0;
  for (const [from, to] of ranges) n += to - from + 1;
  return n;
}

/** What `remote` has applied that `local` has not, per actor (actors with nothing needed omitted). */
export function computeNeeds(local: SyncState, remote: SyncState): Needs {
  const out: Record<string, VersionRange[]> = {};
  for (const [actor, rbook] of Object.entries(remote.books)) {
    const lbook = local.books[actor];
    if (lbook && lbook.gaps.length === 0 && rbook.gaps.length === 0) {
      // The common case: no gaps on either side, only the tail can be missing.
      if (rbook.max > lbook.max) out[actor] = [[lbook.max + 1, rbook.max]];
      continue;
    }
    const have = haveRanges(rbook);
    const need = lbook ? subtractRanges(have, haveRanges(lbook)) : have;
    if (need.length > 0) out[actor] = need;
  }
  return out;
}

/** Total number of versions in a needs map. */
export function countNeeds(needs: Needs): number {
  let n = 0;
  for (const rs of Object.values(needs)) n += rangeCount(rs);
  return n;
}

/**
 * Cuts at most `maxVersions` versions off the front of `needs` (actors in key order, ranges
 * in order). Returns the chunk and what remains. `maxVersions` must be >= 1.
 */
export function takeNeeds(needs: Needs, maxVersions: number): { chunk: Needs; rest: Needs } {
  const chunk: Record<string, VersionRange[]> = {};
  const rest: Record<string, VersionRange[]> = {};
  const push = (into: Record<string, VersionRange[]>, actor: string, r: VersionRange) => {
    const list = into[actor];
    if (list) list.push(r);
    else into[actor] = [r];
  };
  let budget = maxVersions;
  for (const actor of Object.keys(needs).sort()) {
    for (const [from, to] of needs[actor] ?? []) {
      if (budget <= 0) {
        push(rest, actor, [from, to]);
        continue;
      }
      const n = to - from + 1;
      if (n <= budget) {
        push(chunk, actor, [from, to]);
        budget -= n;
      } else {
        push(chunk, actor, [from, from + budget - 1]);
        push(rest, actor, [from + budget, to]);
        budget = 0;
      }
    }
  }
  return { chunk, rest };
}

/**
 * How many versions we lack that a peer is known to have, from the highest version we know
 * the peer holds per actor (`heads`) and our own books. Used to rank anti-entropy peers.
 */
export function lackFromHeads(local: SyncState, heads: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [actor, head] of heads) {
    const book = local.books[actor];
    if (!book) n += head;
    else {
      if (head > book.max) n += head - book.max;
      for (const [from, to] of book.gaps) if (from <= head) n += Math.min(to, head) - from + 1;
    }
  }
  return n;
}
