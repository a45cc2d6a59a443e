/**
 * Counters of the DNS responder. Bad input and overload are counted here, never thrown.
 * @packageDocumentation
 */

/** A snapshot of the responder's counters (all monotonic since start). */
export interface DnsStats {
  /** Messages received over UDP / TCP (well-formed or not). */
  queriesUdp: number;
  queriesTcp: number;
  /** Answers by outcome. `nodata` is NOERROR with an empty answer section. */
  noerror: number;
  nodata: number;
  nxdomain: number;
  refused: number;
  formerr: number;
  servfail: number;
  notimp: number;
  /** Responses sent with the TC bit because they did not fit. */
  truncated: number;
  /** Messages dropped without an answer: too short to carry a header. */
  droppedMalformed: number;
  /** Messages dropped without an answer: they were responses (QR set), never answered. */
  droppedResponses: number;
  /** UDP queries dropped because `maxInflightQueries` were being answered. */
  droppedOverload: number;
  /** Lookups whose reader threw (answered SERVFAIL). */
  readerErrors: number;
  /** Messages whose response could not be built (answered SERVFAIL); should stay 0. */
  internalErrors: number;
  /** TCP connections accepted, refused at the connection bound, closed for idleness, for a bad or oversized frame, or for too many pending queries. */
  tcpAccepted: number;
  tcpRejected: number;
  tcpClosedIdle: number;
  tcpClosedBadFrame: number;
  tcpClosedOverload: number;
}

/** A zeroed {@link DnsStats}. */
export function newDnsStats(): DnsStats {
  return {
    queriesUdp: 0,
    queriesTcp: 0,
    noerror: 0,
    nodata: 0,
    nxdomain: 0,
    refused: 0,
    formerr: 0,
    servfail: 0,
    notimp: 0,
    truncated: 0,
    droppedMalformed: 0,
    droppedResponses: 0,
    droppedOverload: 0,
    readerErrors: 0,
    internalErrors: 0,
    tcpAccepted: 0,
    tcpRejected: 0,
    tcpClosedIdle: 0,
    tcpClosedBadFrame: 0,
    tcpClosedOverload: 0,
  };
}
