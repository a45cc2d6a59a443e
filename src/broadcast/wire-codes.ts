/**
 * Numeric type codes of every replication message, gossip payloads and channel messages alike.
 *
 * APPEND-ONLY: a code, once released, keeps its meaning forever. Never renumber or reuse one;
 * add new codes at the end. A node that receives a code it does not know drops the message
 * and counts it (`decodeErrors`), so old and new nodes can share a cluster.
 */
export const WireCode = {
  /** A whole changeset, pushed or gossiped (`membership.broadcast` / `sendTo`). */
  Changeset: 1,
  /** "I have changeset (actor, version), too large for one packet: pull it over a channel." */
  Announce: 2,
  /** "Send me the changesets holding these Automerge change hashes" (missing dependencies). */
  DepRequest: 3,
  /** WebRTC signalling for a data channel (offer or answer with its ICE candidates). */
  Signal: 4,
  /** A changeset sent to a relay of the two-hop push, which forwards it to its slice of peers. */
  Fanout: 5,
  /** Channel: a client opens an anti-entropy session with its sync state. */
  SyncStart: 16,
  /** Channel: the server's sync state, in reply to `SyncStart`. */
  SyncState: 17,
  /** Channel: the server is at its concurrent-session bound; the client tries another peer. */
  SyncBusy: 18,
  /** Channel: the client asks for one bounded chunk of version ranges. */
  SyncPull: 19,
  /** Channel: changesets for a pull; `last` marks the final message of the reply. */
  SyncChangesets: 20,
  /** Channel: the client closes the session (the channel stays open for reuse). */
  SyncEnd: 21,
} as const;

/** One of the codes in {@link WireCode}. */
export type WireCodeValue = (typeof WireCode)[keyof typeof WireCode];

/** Version of the replication payload format; membership packets carry their own version. */
export const REPLICATION_WIRE_VERSION = 1;
