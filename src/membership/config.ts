/**
 * Membership configuration and the presets `lan`, `wan` and `local`. `lan` is memberlist's
 * DefaultLANConfig, `wan` its DefaultWANConfig, `local` its DefaultLocalConfig; the fields
 * memberlist does not have are corro's and say so.
 */

/**
 * Every tunable of the membership protocol. Times are in ms, sizes in bytes. Every field must be
 * a finite number; `indirectChecks`, `gossipToTheDeadMs`, `pushPullIntervalMs`,
 * `deadRetentionMs` and `leaveWaitMs` may be 0, all others must be above 0
 * ({@link resolveConfig} throws {@link MembershipConfigError} otherwise).
 */
export interface MembershipConfig {
  /**
   * Time between two probes of one member each, ms. Scaled by the local health multiplier:
   * effective = `probeIntervalMs * (awareness + 1)`. Default (lan) 1000. Must exceed `probeTimeoutMs`.
   */
  readonly probeIntervalMs: number;
  /**
   * Wait for a direct ack before asking `indirectChecks` members to probe, ms. Scaled like
   * `probeIntervalMs`. Set it above the 99th percentile RTT. Default (lan) 500.
   */
  readonly probeTimeoutMs: number;
  /** Members asked to probe a target that missed its direct ack (ping-req). Default 3. Constraint >= 0. */
  readonly indirectChecks: number;
  /** Time between two gossip rounds, ms. Default (lan) 200. Must be > 0. */
  readonly gossipIntervalMs: number;
  /** Members sent a gossip packet each round. Default (lan) 3. Constraint >= 1. */
  readonly gossipNodes: number;
  /** How long a dead member is still gossiped to (so it learns and refutes), ms. Default (lan) 30000. */
  readonly gossipToTheDeadMs: number;
  /**
   * Suspicion multiplier. Minimum suspicion timeout =
   * `suspicionMult * max(1, log10(max(1, n))) * probeIntervalMs`; `suspicionMult - 2` independent
   * confirmations are expected. Default (lan) 4. Constraint >= 1.
   */
  readonly suspicionMult: number;
  /**
   * Lifeguard dynamic suspicion: a suspicion starts at `suspicionMaxTimeoutMult * minimum` and
   * falls towards the minimum as confirmations arrive. 1 turns dynamic suspicion off. Default 6.
   */
  readonly suspicionMaxTimeoutMult: number;
  /**
   * Transmit limit of each broadcast: `retransmitMult * ceil(log10(n + 1))` sends. Default (lan) 4.
   * Constraint >= 1.
   */
  readonly retransmitMult: number;
  /**
   * Lifeguard local health: the awareness score runs from 0 to `awarenessMaxMultiplier - 1` and
   * scales probe interval and timeout by `score + 1`. 1 turns it off. Default 8.
   */
  readonly awarenessMaxMultiplier: number;
  /**
   * Lifeguard buddy system: a ping to a suspect member carries the suspicion so the member
   * refutes at once. Default true. (corro field; memberlist always does it.)
   */
  readonly buddySystem: boolean;
  /**
   * Time between two digest-gated push-pulls with one random member, ms: unscaled at every
   * cluster size, since a round between agreeing views costs one small packet (bucket digests,
   * `4 * 2^bits` bytes with `bits = clamp(floor(log2(n / 8)), 0, 10)`), and only members of
   * differing buckets travel otherwise. A member that gossip missed is repaired within about one
   * interval. 0 disables it (the join exchange still runs). Default lan 30000, wan 60000, local
   * 15000 (memberlist's push-pull intervals, now without memberlist's log2(n) scaling).
   */
  readonly pushPullIntervalMs: number;
  /** Largest packet sent, bytes (the UDP payload, seal included). Default 1400. Range 576..65507. */
  readonly maxPacketBytes: number;
  /** Bound on a member's metadata, bytes as msgpack. Larger metadata is refused (setMeta throws; remote dropped). Default 512. */
  readonly maxMetaBytes: number;
  /** Bound on members kept in the table; news of more are dropped and counted. Default 10000. (corro) */
  readonly maxMembers: number;
  /** Bound on queued user broadcasts (local and relayed); `broadcast` returns false beyond it. Default 1024. (corro) */
  readonly maxQueuedBroadcasts: number;
  /** Bound on the bytes of queued user broadcasts. Default 4 MiB. (corro) */
  readonly maxQueuedBroadcastBytes: number;
  /**
   * Relay received user broadcasts (epidemic spread, each node sends each at most the transmit
   * limit). Default true. (corro)
   */
  readonly relayBroadcasts: boolean;
  /** Remembered broadcast ids for deduplication; the oldest is forgotten beyond it. Default 8192. (corro) */
  readonly seenBroadcastsCapacity: number;
  /** How long dead and left members stay in the table before being forgotten, ms. Default (lan) 600000. (corro) */
  readonly deadRetentionMs: number;
  /** First join retry delay, ms; doubles per attempt up to `joinRetryMaxMs`, with jitter. Default 1000. (corro) */
  readonly joinRetryBaseMs: number;
  /** Largest join retry delay, ms. Retries continue while no other member is known. Default 30000. (corro) */
  readonly joinRetryMaxMs: number;
  /** How long `leave()` waits for the leave message to spread, ms. Default (lan) 1000. (corro) */
  readonly leaveWaitMs: number;
  /** Bound on ping-reqs this node relays at once; more are dropped. Default 256. (corro) */
  readonly maxPendingIndirect: number;
}

/** Names of the presets. */
export type PresetName = 'lan' | 'wan' | 'local';

const common = {
  suspicionMaxTimeoutMult: 6,
  awarenessMaxMultiplier: 8,
  buddySystem: true,
  maxPacketBytes: 1400,
  maxMetaBytes: 512,
  maxMembers: 10_000,
  maxQueuedBroadcasts: 1024,
  maxQueuedBroadcastBytes: 4 * 1024 * 1024,
  relayBroadcasts: true,
  seenBroadcastsCapacity: 8192,
  joinRetryMaxMs: 30_000,
  maxPendingIndirect: 256,
} as const;

/** The presets. `lan` = memberlist DefaultLANConfig, `wan` = DefaultWANConfig, `local` = DefaultLocalConfig. */
export const PRESETS: Readonly<Record<PresetName, MembershipConfig>> = Object.freeze({
  lan: Object.freeze({
    ...common,
    probeIntervalMs: 1000,
    probeTimeoutMs: 500,
    indirectChecks: 3,
    gossipIntervalMs: 200,
    gossipNodes: 3,
    gossipToTheDeadMs: 30_000,
    suspicionMult: 4,
    retransmitMult: 4,
    pushPullIntervalMs: 30_000,
    deadRetentionMs: 600_000,
    joinRetryBaseMs: 1000,
    leaveWaitMs: 1000,
  }),
  wan: Object.freeze({
    ...common,
    probeIntervalMs: 5000,
    probeTimeoutMs: 3000,
    indirectChecks: 3,
    gossipIntervalMs: 500,
    gossipNodes: 4,
    gossipToTheDeadMs: 60_000,
    suspicionMult: 6,
    retransmitMult: 4,
    pushPullIntervalMs: 60_000,
    deadRetentionMs: 1_800_000,
    joinRetryBaseMs: 2000,
    leaveWaitMs: 3000,
  }),
  local: Object.freeze({
    ...common,
    probeIntervalMs: 1000,
    probeTimeoutMs: 200,
    indirectChecks: 1,
    gossipIntervalMs: 100,
    gossipNodes: 3,
    gossipToTheDeadMs: 15_000,
    suspicionMult: 3,
    retransmitMult: 2,
    pushPullIntervalMs: 15_000,
    deadRetentionMs: 120_000,
    joinRetryBaseMs: 200,
    leaveWaitMs: 300,
  }),
});

/** Thrown for an invalid configuration; the message names the field and the constraint. */
export class MembershipConfigError extends Error {
  override readonly name = 'MembershipConfigError';
}

/** The Lifeguard switches turned off (for comparisons: plain SWIM with fixed suspicion timeouts). */
export const LIFEGUARD_OFF: Partial<MembershipConfig> = Object.freeze({
  suspicionMaxTimeoutMult: 1,
  awarenessMaxMultiplier: 1,
  buddySystem: false,
});

/** Merges a preset with overrides, validates and freezes the result. */
export function resolveConfig(
  preset: PresetName = 'lan',
  overrides: Partial<MembershipConfig> = {},
): MembershipConfig {
  const base = PRESETS[preset];
  if (!base) throw new MembershipConfigError(`unknown preset "${preset}": use lan, wan or local`);
  const c: MembershipConfig = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v !== undefined && k in base) (c as unknown as Record<string, unknown>)[k] = v;
  }
  validateConfig(c);
  return Object.freeze(c);
}

/** Throws {@link MembershipConfigError} when a field breaks its constraint. */
export function validateConfig(c: MembershipConfig): void {
  const positive: (keyof MembershipConfig)[] = [
    'probeIntervalMs',
    'probeTimeoutMs',
    'gossipIntervalMs',
    'gossipNodes',
    'suspicionMult',
    'suspicionMaxTimeoutMult',
    'retransmitMult',
    'awarenessMaxMultiplier',
    'maxMetaBytes',
    'maxMembers',
    'maxQueuedBroadcasts',
    'maxQueuedBroadcastBytes',
    'seenBroadcastsCapacity',
    'joinRetryBaseMs',
    'joinRetryMaxMs',
    'maxPendingIndirect',
  ];
  for (const k of positive) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new MembershipConfigError(`config.${k} must be a positive number; got ${String(v)}`);
    }
  }
  for (const k of [
    'indirectChecks',
    'gossipToTheDeadMs',
    'pushPullIntervalMs',
    'deadRetentionMs',
    'leaveWaitMs',
  ] as const) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new MembershipConfigError(`config.${k} must be a number >= 0; got ${String(v)}`);
    }
  }
  if (c.probeTimeoutMs >= c.probeIntervalMs) {
    throw new MembershipConfigError(
      `config.probeTimeoutMs (${c.probeTimeoutMs}) must be below probeIntervalMs (${c.probeIntervalMs})`,
    );
  }
  if (c.maxPacketBytes < 576 || c.maxPacketBytes > 65507) {
    throw new MembershipConfigError(`config.maxPacketBytes must be in 576..65507; got ${c.maxPacketBytes}`);
  }
}
