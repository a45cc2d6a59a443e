import type { ActorId } from '../store/types.js';

/**
 * Lifeguard's dynamic suspicion (memberlist suspicion.go). A suspicion starts with a long
 * timeout that falls, as independent members confirm it, towards the minimum; a node that is
 * the only one to suspect (perhaps because it is itself slow) waits longer.
 */

/**
 * Minimum suspicion timeout, ms: `suspicionMult * max(1, log10(max(1, n))) * probeIntervalMs`,
 * where `n` is the number of members (memberlist suspicionTimeout).
 */
export function suspicionTimeoutMs(suspicionMult: number, n: number, probeIntervalMs: number): number {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, n)));
  // Truncate the scale to 1/1000 like memberlist, so both compute the same milliseconds.
  return Math.floor((suspicionMult * Math.floor(nodeScale * 1000) * probeIntervalMs) / 1000);
}

/**
 * Remaining suspicion time after `confirmations` of `expected` independent confirmations,
 * `elapsedMs` after the suspicion started (memberlist remainingSuspicionTime):
 * `timeout = max(min, max - (log(c + 1) / log(k + 1)) * (max - min))`, returns `timeout - elapsed`
 * (may be negative: the suspicion is overdue).
 */
export function remainingSuspicionMs(
  confirmations: number,
  expected: number,
  elapsedMs: number,
  minMs: number,
  maxMs: number,
): number {
  const frac = expected < 1 ? 1 : Math.log(confirmations + 1) / Math.log(expected + 1);
  const raw = maxMs - frac * (maxMs - minMs);
  const timeout = Math.max(minMs, Math.floor(raw));
  return timeout - elapsedMs;
}

/** Expected confirmations `k = suspicionMult - 2`, or 0 when fewer than `k` other members could confirm. */
export function expectedConfirmations(suspicionMult: number, n: number): number {
  const k = suspicionMult - 2;
  return n - 2 < k ? 0 : Math.max(0, k);
}

/** One running suspicion of one member. */
export class Suspicion {
  private readonly confirmers = new Set<ActorId>();
  private confirmations = 0;

  /**
   * @param from who raised it (not counted as a confirmation).
   * @param expected `k`, independent confirmations expected.
   * @param minMs minimum timeout; @param maxMs starting timeout; @param startMs when it began.
   * @param token timer token, so a rescheduled timer makes the older one stale.
   */
  constructor(
    from: ActorId,
    readonly expected: number,
    readonly minMs: number,
    readonly maxMs: number,
    readonly startMs: number,
    public token: number,
  ) {
    this.confirmers.add(from);
  }

  /** The first timeout: `max`, or `min` when no confirmations are expected. */
  initialTimeoutMs(): number {
    return this.expected < 1 ? this.minMs : this.maxMs;
  }

  /**
   * Records a confirmation from `from`. Returns the new remaining time (ms, may be <= 0) when
   * it was new, or undefined when it was a repeat or no more confirmations count.
   */
  confirm(from: ActorId, nowMs: number): number | undefined {
    if (this.confirmations >= this.expected || this.confirmers.has(from)) return undefined;
    this.confirmers.add(from);
    this.confirmations++;
    return remainingSuspicionMs(
      this.confirmations,
      this.expected,
      nowMs - this.startMs,
      this.minMs,
      this.maxMs,
    );
  }

  /** Confirmations counted so far. */
  get count(): number {
    return this.confirmations;
  }
}
