/**
 * Membership counters: plain numbers, updated in place, cheap enough for thousands of simulated
 * nodes. Every dropped packet or message is counted under exactly one reason.
 */
export interface MembershipCounters {
  /** Packets handed to the transport / received from it. */
  packetsOut: number;
  packetsIn: number;
  /** Bytes of those packets (seal included). */
  bytesOut: number;
  bytesIn: number;
  /** Messages sent / accepted (a packet carries one or more). */
  messagesOut: number;
  messagesIn: number;
  /** Packets that failed authentication (wrong key, tampered, or sealed/plaintext mismatch). */
  droppedAuth: number;
  /** Packets or messages that were not valid msgpack of the expected shape, or of an unknown protocol version. */
  droppedDecode: number;
  /** Packets for another cluster name. */
  droppedWrongCluster: number;
  /** Messages that decoded but broke a rule (unknown type code, bad field, misdirected ping, own packet). */
  droppedInvalid: number;
  /** News of new members refused because the table is at `maxMembers`. */
  droppedMemberLimit: number;
  /** Ping-reqs refused because `maxPendingIndirect` relays were in flight. */
  droppedRelayLimit: number;
  /** Local `broadcast` calls refused (too large or queue at its bound). */
  broadcastsRefused: number;
  /** Received broadcasts not relayed because the queue was at its bound. */
  relaysDropped: number;
  /** Received broadcasts already seen (not delivered again). */
  duplicateBroadcasts: number;
  /** Probes started / probes that ended without any ack. */
  probes: number;
  probeFailures: number;
  /** Ping-reqs sent. */
  indirectProbes: number;
  /** Times this node refuted a suspicion or death about itself. */
  refutations: number;
  /** Digest answers replaced by a full push-pull because the views differed in too many members. */
  digestFullFallbacks: number;
}

/** A zeroed counters object. */
export function newCounters(): MembershipCounters {
  return {
    packetsOut: 0,
    packetsIn: 0,
    bytesOut: 0,
    bytesIn: 0,
    messagesOut: 0,
    messagesIn: 0,
    droppedAuth: 0,
    droppedDecode: 0,
    droppedWrongCluster: 0,
    droppedInvalid: 0,
    droppedMemberLimit: 0,
    droppedRelayLimit: 0,
    broadcastsRefused: 0,
    relaysDropped: 0,
    duplicateBroadcasts: 0,
    probes: 0,
    probeFailures: 0,
    indirectProbes: 0,
    refutations: 0,
    digestFullFallbacks: 0,
  };
}

/** Counters plus gauges, as returned by `Membership.metrics`. */
export interface MembershipMetrics extends MembershipCounters {
  /** Lifeguard local health score, 0 (healthy) to `awarenessMaxMultiplier - 1`. */
  awarenessScore: number;
  /** Alive or suspect members, this node included. */
  liveMembers: number;
  /** This node's incarnation. */
  incarnation: number;
  /** User broadcasts waiting in the transmit queue. */
  queuedBroadcasts: number;
}
