/**
 * A datagram transport: unreliable, unordered, bounded-size packets between addresses.
 * Two implementations share one contract test suite: the real UDP socket and the in-memory
 * network in virtual time (tests, corro-sim).
 *
 * Addresses are `host:port` strings (`127.0.0.1:8787`, `[::1]:8787`).
 */
export interface Transport {
  /** The address peers use to reach this transport. */
  readonly localAddr: string;
  /** Sends one packet; never throws for network faults (they are counted and dropped). */
  send(to: string, packet: Uint8Array): void;
  /** Registers the single receiver of incoming packets (replaces any previous one). */
  onPacket(handler: (from: string, packet: Uint8Array) => void): void;
  /** Stops sending and receiving; idempotent. */
  close(): Promise<void>;
}
