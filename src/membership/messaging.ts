import type { ActorId } from '../store/types.js';

/** A member's state as this node sees it. */
export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** One member of the cluster as this node sees it. */
export interface MemberInfo {
  readonly actorId: ActorId;
  /** Gossip address, `host:port`. */
  readonly addr: string;
  readonly state: MemberState;
  readonly incarnation: number;
  /** Small gossiped metadata, e.g. `{ region: 'ams' }`. */
  readonly meta: Readonly<Record<string, string>>;
}

/**
 * What membership offers the replication layer: a transmit-limited broadcast queue, direct
 * messages to one member, and delivery of both. Payloads are opaque bytes; they travel inside
 * membership's sealed packets.
 */
export interface MembershipMessaging {
  /** The local node's actor id. */
  readonly actorId: ActorId;
  /** Largest payload `broadcast` and `sendTo` accept, in bytes. */
  readonly maxPayloadBytes: number;
  /**
   * Queues `payload` for piggybacked gossip, sent at most `retransmitMult * ceil(log10(n+1))`
   * times. A later broadcast with the same `key` replaces a queued one. Returns false (and
   * drops it) when the payload is too large or the queue is at its bound.
   */
  broadcast(payload: Uint8Array, key?: string): boolean;
  /** Sends `payload` to one member at once. Returns false if unknown, not alive or too large. */
  sendTo(actorId: ActorId, payload: Uint8Array): boolean;
  /** Registers the receiver of payloads from `broadcast` and `sendTo` (replaces any previous). */
  onMessage(handler: (from: ActorId, payload: Uint8Array) => void): void;
  /** Current view of the cluster, this node included. */
  members(): MemberInfo[];
  /** Smoothed round-trip time to a member from probe acks, if measured. */
  rttMs(actorId: ActorId): number | undefined;
}
