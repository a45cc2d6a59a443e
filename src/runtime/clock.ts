/**
 * Where protocol code gets its time. The real clock lives in `real-runtime.ts`; the
 * simulator and tests use {@link VirtualScheduler}'s clock, so every run replays exactly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (virtual in simulation). May include a fraction. */
  now(): number;
}
