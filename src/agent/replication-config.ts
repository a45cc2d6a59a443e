import type { BroadcastConfig } from '../broadcast/broadcaster.js';
import type { ChannelPoolConfig } from '../sync/channel-pool.js';
import type { SyncConfig } from '../sync/sync-config.js';

/**
 * Replication settings. Every field has a default; pass only what you change.
 *
 * | field | unit | default | meaning, constraint |
 * | --- | --- | --- | --- |
 * | `directPushMaxPeers` | peers | 16 | with at most this many alive peers, a new local changeset is sent directly to every one (one hop); >= 0 |
 * | `relayFactor` | - | 1 | above that, it goes to `k = min(n, ceil(relayFactor * sqrt(n)))` relays (`n` alive peers), nearest first (same `meta.region`, then RTT), each forwarding at once to its slice (about `n / k` peers): two hops, about `sqrt(n)` sends per sender. When at least `ceil(k / 2)` peers share the writer's region, only they are relays (`k = min(k, sameRegion)`); > 0 |
 * | `maxPushesPerSec` | sends/s | 2000 | token bucket (burst = one second's worth) bounding this node's direct pushes, writer and relay alike; what it cannot pay for goes to gossip; > 0 |
 * | `seenCacheSize` | keys | 8192 | recently seen changeset keys; duplicates beyond it are caught by the store's books; >= 1 |
 * | `depRequestCooldownMs` | ms | 1000 | a missing dependency is requested again from a sender only after this; >= 0 |
 * | `maxDepReplyChangesets` | changesets | 16 | most changesets sent back for one dependency request; >= 1 |
 * | `syncMinIntervalMs` | ms | 1000 | shortest delay between anti-entropy rounds; > 0 |
 * | `syncWarmupMs` | ms | 5000 | for this long after start, rounds run every `syncMinIntervalMs / 4` (random in [1/8, 1/4]) whatever they find: writers do not push to a node before membership tells them of it; >= 0 |
 * | `syncMaxIntervalMs` | ms | 15000 | backoff ceiling: the bound doubles after each round that found nothing; >= min |
 * | `maxClientSessions` | sessions | 2 | anti-entropy sessions this node runs at once (rounds + targeted pulls); >= 1 |
 * | `maxServerSessions` | sessions | 3 | sessions served at once; more get "busy" and try elsewhere; >= 1 |
 * | `syncStepTimeoutMs` | ms | 10000 | a session with no progress for this long is abandoned (both sides); > 0 |
 * | `maxVersionsPerPull` | versions | 128 | one chunk; the next is asked for only when this one arrived (back-pressure); >= 1 |
 * | `maxBatchBytes` | bytes | 262144 | target size of one reply message; a larger single changeset goes alone |
 * | `maxQueuedPulls` | pulls | 64 | queued pulls of announced large changesets; more are dropped (anti-entropy catches up) |
 * | `peerSample` | peers | 8 | random peers scored per round, besides peers known to hold what we lack |
 * | `maxChannels` | channels | 16 | open channels; at the bound the least recently used idle one closes, or a new one is refused |
 * | `channelIdleMs` | ms | 60000 | a channel unused this long is closed |
 *
 * Memory per node is bounded by: `seenCacheSize` keys + 4096 dependency hashes + 1024
 * announcements + 1024 relay duties + `maxQueuedPulls` + `maxChannels` channels + 32 x 16
 * peer heads.
 *
 * Direct sends per node are bounded by `maxPushesPerSec` (pushes) plus membership's gossip
 * packets (`gossipNodes` every `gossipIntervalMs`). Per changeset: the writer sends
 * `min(n, directPushMaxPeers)` pushes or `k` relay pushes, each relay about `n / k`.
 */
export interface ReplicationConfig extends BroadcastConfig, SyncConfig, ChannelPoolConfig {}

/** The defaults, for LAN clusters; see {@link ReplicationConfig}. */
export const DEFAULT_REPLICATION_CONFIG: Readonly<ReplicationConfig> = Object.freeze({
  directPushMaxPeers: 16,
  relayFactor: 1,
  maxPushesPerSec: 2000,
  seenCacheSize: 8192,
  depRequestCooldownMs: 1000,
  maxDepReplyChangesets: 16,
  syncMinIntervalMs: 1000,
  syncMaxIntervalMs: 15_000,
  syncWarmupMs: 5000,
  maxClientSessions: 2,
  maxServerSessions: 3,
  syncStepTimeoutMs: 10_000,
  maxVersionsPerPull: 128,
  maxBatchBytes: 256 * 1024,
  maxQueuedPulls: 64,
  peerSample: 8,
  maxChannels: 16,
  channelIdleMs: 60_000,
});

/** Thrown by `resolveReplicationConfig` for a setting outside its constraint. */
export class ReplicationConfigError extends Error {
  override readonly name = 'ReplicationConfigError';
}

/** Fills defaults and checks constraints; throws {@link ReplicationConfigError} naming the field. */
export function resolveReplicationConfig(
  partial: Partial<ReplicationConfig> = {},
): Readonly<ReplicationConfig> {
  const c: ReplicationConfig = { ...DEFAULT_REPLICATION_CONFIG, ...partial };
  const positive: (keyof ReplicationConfig)[] = [
    'relayFactor',
    'maxPushesPerSec',
    'seenCacheSize',
    'maxDepReplyChangesets',
    'syncMinIntervalMs',
    'syncMaxIntervalMs',
    'maxClientSessions',
    'maxServerSessions',
    'syncStepTimeoutMs',
    'maxVersionsPerPull',
    'maxBatchBytes',
    'maxChannels',
    'channelIdleMs',
  ];
  for (const k of positive) {
    if (!(Number.isFinite(c[k]) && c[k] > 0))
      throw new ReplicationConfigError(`replication.${k} must be a positive number, got ${c[k]}`);
  }
  for (const k of [
    'directPushMaxPeers',
    'syncWarmupMs',
    'depRequestCooldownMs',
    'maxQueuedPulls',
    'peerSample',
  ] as const) {
    if (!(Number.isFinite(c[k]) && c[k] >= 0))
      throw new ReplicationConfigError(`replication.${k} must be >= 0, got ${c[k]}`);
  }
  if (c.syncMaxIntervalMs < c.syncMinIntervalMs)
    throw new ReplicationConfigError('replication.syncMaxIntervalMs must be >= syncMinIntervalMs');
  return Object.freeze(c);
}
