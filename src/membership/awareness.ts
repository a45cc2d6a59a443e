/**
 * Lifeguard's local health multiplier (memberlist awareness.go). A node that misses acks and
 * nacks it should have received is probably the slow one; it then probes less often and waits
 * longer, instead of accusing healthy members.
 */

/** Clamps `score + delta` into `[0, max - 1]`. */
export function applyAwarenessDelta(score: number, delta: number, max: number): number {
  return Math.min(Math.max(score + delta, 0), max - 1);
}

/** Scales a timeout by the health score: `timeoutMs * (score + 1)`. */
export function scaleTimeout(timeoutMs: number, score: number): number {
  return timeoutMs * (score + 1);
}

/** The health score of this node: 0 is healthy, `max - 1` is the worst. */
export class Awareness {
  private s = 0;

  /** @param max the awareness multiplier bound (memberlist AwarenessMaxMultiplier). */
  constructor(private readonly max: number) {}

  /** Current score. */
  get score(): number {
    return this.s;
  }

  /** Adds `delta` (negative = healthier), clamped. */
  apply(delta: number): void {
    this.s = applyAwarenessDelta(this.s, delta, this.max);
  }

  /** `timeoutMs` scaled by the current score. */
  scale(timeoutMs: number): number {
    return scaleTimeout(timeoutMs, this.s);
  }
}
