import type { ActorId, Changeset, Needs, SyncState } from '../store/types.js';
import type { WireCode } from './wire-codes.js';

/**
 * Replication messages as a discriminated union. Gossip messages ride inside membership's
 * sealed packets; channel messages travel over a reliable {@link Channel}. The codec
 * (`codec.ts`) validates every field before a message reaches the code that acts on it.
 */

/** A whole changeset. `relay` is false for direct replies that receivers must not pass on. */
export interface ChangesetMsg {
  readonly type: typeof WireCode.Changeset;
  readonly relay: boolean;
  readonly changeset: Changeset;
}

/**
 * A new changeset sent by its writer to relay `slice` of `slices` (two-hop push). The relay,
 * if the changeset is new to it, forwards it at once as a `Changeset` with `relay = false` to
 * every alive peer whose `sliceOf(peer, key, slices)` is `slice`.
 */
export interface FanoutMsg {
  readonly type: typeof WireCode.Fanout;
  readonly slice: number;
  readonly slices: number;
  readonly changeset: Changeset;
}

/** A changeset too large for one packet: the receiver pulls it from the sender over a channel. */
export interface AnnounceMsg {
  readonly type: typeof WireCode.Announce;
  readonly actor: ActorId;
  readonly version: number;
  readonly ts: number;
  readonly sizeBytes: number;
}

/** A request for the changesets holding these Automerge change hashes (hex). */
export interface DepRequestMsg {
  readonly type: typeof WireCode.DepRequest;
  readonly hashes: readonly string[];
}

/** Signalling kinds: an offer opens a connection, an answer accepts it. */
export type SignalKind = 'offer' | 'answer';

/** WebRTC signalling: a session description holding its ICE candidates. */
export interface SignalMsg {
  readonly type: typeof WireCode.Signal;
  /** Connection id chosen by the offerer (random hex). */
  readonly cid: string;
  readonly kind: SignalKind;
  readonly sdp: string;
}

/** Channel: a client opens session `sid` and sends its sync state. */
export interface SyncStartMsg {
  readonly type: typeof WireCode.SyncStart;
  readonly sid: number;
  readonly state: SyncState;
}

/** Channel: the server's sync state for session `sid`. */
export interface SyncStateMsg {
  readonly type: typeof WireCode.SyncState;
  readonly sid: number;
  readonly state: SyncState;
}

/** Channel: the server refuses session `sid` (at its bound). */
export interface SyncBusyMsg {
  readonly type: typeof WireCode.SyncBusy;
  readonly sid: number;
}

/** Channel: the client asks for these version ranges. */
export interface SyncPullMsg {
  readonly type: typeof WireCode.SyncPull;
  readonly sid: number;
  readonly needs: Needs;
}

/** Channel: changesets answering a pull; `last` ends the reply. */
export interface SyncChangesetsMsg {
  readonly type: typeof WireCode.SyncChangesets;
  readonly sid: number;
  readonly changesets: readonly Changeset[];
  readonly last: boolean;
}

/** Channel: the client ends session `sid`. */
export interface SyncEndMsg {
  readonly type: typeof WireCode.SyncEnd;
  readonly sid: number;
}

/** Messages carried by membership (`broadcast` / `sendTo`). */
export type GossipMsg = ChangesetMsg | FanoutMsg | AnnounceMsg | DepRequestMsg | SignalMsg;

/** Messages carried by a reliable channel. */
export type ChannelMsg =
  | SyncStartMsg
  | SyncStateMsg
  | SyncBusyMsg
  | SyncPullMsg
  | SyncChangesetsMsg
  | SyncEndMsg;

/** Every replication message. */
export type ReplicationMsg = GossipMsg | ChannelMsg;
