import type { ActorBook, VersionRange } from './types.js';

/**
 * The versions applied from one actor, as sorted disjoint inclusive ranges. A node usually
 * holds one range `[1, max]`; gaps appear when changesets arrive out of order and close when
 * the missing ones arrive. Memory is proportional to the number of gaps.
 */
export class VersionBook {
  private ranges: [number, number][];

  /** @param ranges sorted, disjoint, non-adjacent inclusive ranges (as {@link toRanges} returns) */
  constructor(ranges: readonly VersionRange[] = []) {
    this.ranges = ranges.map(([a, b]) => [a, b]);
  }

  /** Whether `version` is applied. */
  has(version: number): boolean {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = r[mid] as [number, number];
      if (version < a) hi = mid - 1;
      else if (version > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Records `version` as applied, merging it into its neighbours. */
  add(version: number): void {
    const r = this.ranges;
    const last = r[r.length - 1];
    if (last && version === last[1] + 1) {
      last[1] = version;
      return;
    }
    if (this.has(version)) return;
    let i = 0;
    while (i < r.length && (r[i] as [number, number])[1] < version) i++;
    r.splice(i, 0, [version, version]);
    // Merge with the previous and next range when adjacent.
    const cur = r[i] as [number, number];
    const next = r[i + 1];
    if (next && next[0] === cur[1] + 1) {
      cur[1] = next[1];
      r.splice(i + 1, 1);
    }
    const prev = r[i - 1];
    if (prev && prev[1] + 1 === cur[0]) {
      prev[1] = cur[1];
      r.splice(i, 1);
    }
  }

  /** The highest applied version (0 when none). */
  get max(): number {
    return this.ranges[this.ranges.length - 1]?.[1] ?? 0;
  }

  /** Versions in `[1, max]` not applied yet. */
  gaps(): VersionRange[] {
    const out: VersionRange[] = [];
    let expect = 1;
    for (const [a, b] of this.ranges) {
      if (a > expect) out.push([expect, a - 1]);
      expect = b + 1;
    }
    return out;
  }

  /** The applied ranges (a copy). */
  toRanges(): VersionRange[] {
    return this.ranges.map(([a, b]) => [a, b] as const);
  }

  /** The book in the exchanged form. */
  toActorBook(): ActorBook {
    return { max: this.max, gaps: this.gaps() };
  }
}

/**
 * Versions wanted from an actor, given what a peer has (`theirs`) and what we have (`ours`):
 * everything up to their max that we lack and they do not lack either. Pure; used by anti-entropy.
 */
export function missingRanges(ours: VersionBook, theirs: ActorBook): VersionRange[] {
  const out: VersionRange[] = [];
  const theirGaps = theirs.gaps;
  const lacking = [...ours.gaps()];
  if (theirs.max > ours.max) lacking.push([ours.max + 1, theirs.max]);
  for (const [a0, b0] of lacking) {
    const b = Math.min(b0, theirs.max);
    let start = a0;
    for (const [ga, gb] of theirGaps) {
      if (gb < start || ga > b) continue;
      if (ga > start) out.push([start, ga - 1]);
      start = gb + 1;
    }
    if (start <= b) out.push([start, b]);
  }
  return out;
}
