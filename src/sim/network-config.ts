import { SimConfigError } from './errors.js';

/**
 * The simulated network's fault knobs. Latency itself comes from the region matrix; these
 * add noise and faults on top. All randomness is drawn from the network's seeded stream.
 */
export interface NetworkConfig {
  /** Extra delay per packet, uniform in [0, jitterMs), in ms. Default 4. Constraint: >= 0. */
  readonly jitterMs: number;
  /** Probability a packet is lost, in [0, 1). Default 0. */
  readonly lossRate: number;
  /** Probability a delivered packet is delivered a second time (independent delay), in [0, 1). Default 0. */
  readonly duplicateRate: number;
  /**
   * Probability a packet is held back by an extra uniform [0, reorderDelayMs) delay, which
   * lets later packets overtake it, in [0, 1). Default 0.
   */
  readonly reorderRate: number;
  /** Upper bound of the reordering delay, in ms. Default 100. Constraint: >= 0. */
  readonly reorderDelayMs: number;
  /**
   * Uplink bandwidth of every node in bytes per second; 0 means unlimited. Default 0.
   * Packets wait in the node's uplink queue while earlier ones are serialised.
   */
  readonly bandwidthBytesPerSec: number;
  /**
   * Bound of each node's uplink queue in bytes (only with a bandwidth cap). A packet that
   * would overflow it is dropped and counted as `queueDrops` (tail drop, like a NIC ring).
   * Default 262144.
   */
  readonly uplinkQueueBytes: number;
  /**
   * Packets a paused node's socket buffers; more are dropped and counted as `bufferDrops`
   * (like a full kernel receive buffer). Default 512.
   */
  readonly pausedBufferPackets: number;
  /** Largest datagram in bytes; larger sends are dropped and counted as `oversize`. Default 65507. */
  readonly maxPacketBytes: number;
}

/** The defaults: a clean network with a little jitter. */
export const DEFAULT_NETWORK: NetworkConfig = Object.freeze({
  jitterMs: 4,
  lossRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderDelayMs: 100,
  bandwidthBytesPerSec: 0,
  uplinkQueueBytes: 262_144,
  pausedBufferPackets: 512,
  maxPacketBytes: 65_507,
});

/** Merges `partial` over the defaults and validates it; throws {@link SimConfigError}. */
export function networkConfig(partial: Partial<NetworkConfig> = {}, base = DEFAULT_NETWORK): NetworkConfig {
  const c = { ...base, ...partial };
  const rate = (name: keyof NetworkConfig) => {
    const v = c[name];
    if (!(v >= 0 && v < 1)) throw new SimConfigError(`network ${name} must be in [0, 1), got ${v}`);
  };
  const nonNeg = (name: keyof NetworkConfig) => {
    const v = c[name];
    if (!(Number.isFinite(v) && v >= 0)) throw new SimConfigError(`network ${name} must be >= 0, got ${v}`);
  };
  rate('lossRate');
  rate('duplicateRate');
  rate('reorderRate');
  for (const k of [
    'jitterMs',
    'reorderDelayMs',
    'bandwidthBytesPerSec',
    'uplinkQueueBytes',
    'pausedBufferPackets',
    'maxPacketBytes',
  ] as const)
    nonNeg(k);
  return Object.freeze(c);
}
