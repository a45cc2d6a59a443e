import type { Rng } from '../runtime/rng.js';
import { shuffled } from '../runtime/rng.js';
import type { ActorId } from '../store/types.js';

/**
 * Probe target selection and the state of the probe in flight. SWIM section 4.3: members are
 * probed round-robin over a list reshuffled at the start of each cycle, so every member is
 * probed within one cycle and detection time is bounded, yet the order is unpredictable.
 */
export class ProbeOrder {
  private order: ActorId[] = [];
  private next = 0;

  /**
   * The next member to probe among `candidates` (whose membership is re-checked with `isLive`,
   * since members change within a cycle). Reshuffles `candidates` when the cycle is over.
   */
  pick(
    rng: Rng,
    candidates: () => readonly ActorId[],
    isLive: (id: ActorId) => boolean,
  ): ActorId | undefined {
    for (let pass = 0; pass < 2; pass++) {
      while (this.next < this.order.length) {
        const id = this.order[this.next++] as ActorId;
        if (isLive(id)) return id;
      }
      this.order = shuffled(rng, candidates());
      this.next = 0;
    }
    return undefined;
  }
}

/** The probe in flight (one at a time). */
export interface PendingProbe {
  readonly seq: number;
  readonly target: ActorId;
  readonly startedMs: number;
  /** Ping-reqs sent; each should give an ack or a nack. */
  expectedNacks: number;
  nacks: number;
  acked: boolean;
}

/** Smoothed RTT, like TCP's SRTT: `srtt = 7/8 srtt + 1/8 sample`. */
export function smoothRtt(previousMs: number | undefined, sampleMs: number): number {
  return previousMs === undefined ? sampleMs : previousMs * 0.875 + sampleMs * 0.125;
}

/** A ping-req this node relays: maps its own ping seq back to the requester's. */
export interface IndirectRelay {
  readonly requesterAddr: string;
  readonly requesterSeq: number;
  readonly wantNack: boolean;
  done: boolean;
}
