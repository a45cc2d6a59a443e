import type { ActorId } from '../store/types.js';

/**
 * A reliable, ordered message stream between two actors: what anti-entropy runs over.
 * Two implementations pass one contract suite (test/replication/channel-contract.ts): the
 * in-memory channel in virtual time (tests, corro-sim) and WebRTC data channels
 * (node-datachannel: SCTP over DTLS, signalled through sealed gossip).
 *
 * Everything is callback-based and synchronous to the caller, so the same code runs in
 * virtual time where promises would never settle inside a simulation step.
 */
export interface Channel {
  /** The actor at the other end. */
  readonly peer: ActorId;
  /** Largest message `send` accepts, in bytes. */
  readonly maxMessageBytes: number;
  /** True until closed by either end or by a fault. */
  readonly isOpen: boolean;
  /**
   * Queues one message for in-order delivery. Returns false (and sends nothing) when the
   * channel is closed or the message is larger than `maxMessageBytes`.
   */
  send(message: Uint8Array): boolean;
  /** Registers the receiver of messages (replaces any previous one). */
  onMessage(handler: (message: Uint8Array) => void): void;
  /** Registers a callback run once when the channel closes for any reason (local or remote). */
  onClose(handler: () => void): void;
  /** Closes both directions; idempotent. */
  close(): void;
}

/** Opens channels to peers and accepts channels they open. */
export interface ChannelFactory {
  /**
   * Opens a channel to `peer`. `done` runs exactly once: with the open channel, or with
   * `undefined` when the peer is unreachable or the attempt timed out (never throws).
   */
  open(peer: ActorId, done: (channel: Channel | undefined) => void): void;
  /** Registers the receiver of channels opened by peers (replaces any previous one). */
  onIncoming(handler: (channel: Channel) => void): void;
  /** Closes every channel and refuses new ones; idempotent. */
  close(): void;
}
