/**
 * Replication counters, as plain numbers so a caller can read, diff and export them
 * (Prometheus, JSON) without a metrics library. Monotonic unless stated.
 */
export class ReplicationMetrics {
  /** Local changesets pushed eagerly and queued for gossip. */
  localChangesets = 0;
  /** Direct pushes sent: writer pushes (direct or to relays) and relay forwards. */
  eagerSends = 0;
  /** Direct pushes not sent because the push budget (`maxPushesPerSec`) was spent; gossip carries them. */
  pushesDeferred = 0;
  /** Changesets this node forwarded to its slice as a relay of a two-hop push. */
  relayForwards = 0;
  /** Payloads handed to `membership.broadcast` (local and passed on). */
  gossipQueued = 0;
  /** Payloads refused by `membership.broadcast` (queue at its bound or too large). */
  gossipRefused = 0;
  /** Remote changesets passed on because they were new here. */
  relayed = 0;
  /** Changesets received by gossip or push. */
  changesetsReceived = 0;
  /** Received changesets already booked here (not applied, not passed on). */
  duplicates = 0;
  /** Remote changesets applied (by gossip, dependency replies or anti-entropy). */
  applied = 0;
  /** Remote changesets kept pending on missing Automerge dependencies. */
  pending = 0;
  /** Dependency requests sent / served. */
  depRequestsSent = 0;
  depRequestsServed = 0;
  /** Announcements of large changesets sent / pulls started because of one. */
  announcesSent = 0;
  announcePulls = 0;
  /** Messages that failed decoding or validation, dropped. */
  decodeErrors = 0;
  /** Messages of a kind not valid where they arrived (e.g. sync on gossip), dropped. */
  misrouted = 0;
  /** Changesets the store refused (threw), dropped. */
  applyErrors = 0;
  /** Anti-entropy sessions started / completed / failed (timeout, busy, channel lost). */
  syncStarted = 0;
  syncCompleted = 0;
  syncFailed = 0;
  /** Anti-entropy sessions refused because the server was at its bound. */
  syncBusy = 0;
  /** Anti-entropy sessions served. */
  syncServed = 0;
  /** Changesets pulled by anti-entropy / sent to clients. */
  syncPulled = 0;
  syncSent = 0;
  /** Bytes of replication messages sent / received (gossip payloads and channel messages). */
  bytesSent = 0;
  bytesReceived = 0;
  /** Receive lag (writer commit to apply here), over every applied remote changeset. */
  readonly lag = new LagStats();
}

/**
 * Receive-lag statistics: count, sum and max over all samples, plus quantiles over the most
 * recent `capacity` samples (a ring: at the bound the oldest sample is overwritten).
 */
export class LagStats {
  count = 0;
  sumMs = 0;
  maxMs = 0;
  private readonly ring: Float64Array;
  private next = 0;

  /** @param capacity samples kept for quantiles (default 1024; 8 KB). */
  constructor(readonly capacity = 1024) {
    this.ring = new Float64Array(capacity);
  }

  /** Records one sample (negative lags from clock skew count as 0). */
  record(ms: number): void {
    const v = Math.max(0, ms);
    this.count++;
    this.sumMs += v;
    if (v > this.maxMs) this.maxMs = v;
    this.ring[this.next] = v;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The q-quantile (0..1) of the recent samples, or 0 with none. */
  quantile(q: number): number {
    const n = Math.min(this.count, this.capacity);
    if (n === 0) return 0;
    // A typed array sorts numerically without a comparator (several times faster).
    const s = this.ring.slice(0, n).sort();
    return s[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] as number;
  }
}
