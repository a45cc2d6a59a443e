/** A pending timer; cancelling an already fired or cancelled timer is a no-op. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Where protocol code gets its timers. Protocol code never calls `setTimeout` itself, so the
 * simulator can run it in virtual time.
 */
export interface Scheduler {
  /** Runs `fn` once, `delayMs` milliseconds from now (0 means "soon, after the current task"). */
  after(delayMs: number, fn: () => void): TimerHandle;
}
