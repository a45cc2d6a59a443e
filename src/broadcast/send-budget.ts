/**
 * A token bucket bounding the direct pushes one node sends (writer pushes and relay
 * forwards): `ratePerSec` tokens a second, holding at most one second's worth. A push the
 * bucket cannot pay for is not sent directly: the caller hands the changeset to gossip
 * instead, which has its own transmit-limited, bounded queue.
 */
export class SendBudget {
  private tokens: number;
  private lastMs: number;

  /**
   * @param ratePerSec tokens added per second, also the bucket size; > 0.
   * @param nowMs the current time, ms.
   */
  constructor(
    private readonly ratePerSec: number,
    nowMs: number,
  ) {
    this.tokens = ratePerSec;
    this.lastMs = nowMs;
  }

  /** Takes up to `want` tokens at `nowMs`; returns how many were granted (0..want). */
  take(want: number, nowMs: number): number {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.ratePerSec, this.tokens + ((nowMs - this.lastMs) * this.ratePerSec) / 1000);
      this.lastMs = nowMs;
    }
    const granted = Math.max(0, Math.min(want, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }
}
