/** Anti-entropy settings (see `ReplicationConfig` for the documented defaults). */
export interface SyncConfig {
  /** Shortest delay between anti-entropy rounds, ms. */
  readonly syncMinIntervalMs: number;
  /**
   * For this long after start (ms), rounds run every `syncMinIntervalMs / 4` whatever they
   * find: a node that just started is unknown to the writers' pushes until membership spreads
   * its arrival, so it pulls what it missed in quarter intervals.
   */
  readonly syncWarmupMs: number;
  /** Longest delay between anti-entropy rounds, ms (backoff ceiling). */
  readonly syncMaxIntervalMs: number;
  /** Most sessions this node runs as a client at once. */
  readonly maxClientSessions: number;
  /** Most sessions this node serves at once; more are answered "busy". */
  readonly maxServerSessions: number;
  /** A session with no progress for this long (ms) is abandoned by either side. */
  readonly syncStepTimeoutMs: number;
  /** Most versions requested in one pull (one chunk); the next chunk waits for this one. */
  readonly maxVersionsPerPull: number;
  /** Target size of one reply message, bytes (a single larger changeset is sent alone). */
  readonly maxBatchBytes: number;
  /** Most queued targeted pulls (large-changeset announcements); more are dropped. */
  readonly maxQueuedPulls: number;
  /** Random peers considered per round besides those known to hold what we lack. */
  readonly peerSample: number;
}
