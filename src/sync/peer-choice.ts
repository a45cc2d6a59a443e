import type { Rng } from '../runtime/rng.js';
import { randomInt } from '../runtime/rng.js';
import type { ActorId } from '../store/types.js';

/** A candidate anti-entropy peer with what we know of it. */
export interface PeerCandidate {
  readonly actor: ActorId;
  /** Versions we lack that this peer is known to hold (0 when unknown). */
  readonly lack: number;
  /** Measured round-trip time in ms, if any. */
  readonly rttMs: number | undefined;
}

/**
 * Chooses the anti-entropy peer: the candidate known to hold most of what we lack (ties go
 * to the lower RTT); when nothing is known to be missing, or when `explore` is set (the
 * caller's last round pulled nothing), a uniformly random candidate, so that over time every
 * peer is compared with and a wrong estimate cannot pin the choice to one useless peer.
 * Returns undefined for no candidates.
 */
export function choosePeer(
  candidates: readonly PeerCandidate[],
  rng: Rng,
  explore = false,
): PeerCandidate | undefined {
  if (candidates.length === 0) return undefined;
  if (explore) return candidates[randomInt(rng, candidates.length)];
  let best: PeerCandidate | undefined;
  for (const c of candidates) {
    if (c.lack <= 0) continue;
    if (
      !best ||
      c.lack > best.lack ||
      (c.lack === best.lack &&
        (c.rttMs ?? Number.POSITIVE_INFINITY) < (best.rttMs ?? Number.POSITIVE_INFINITY))
    )
      best = c;
  }
  return best ?? candidates[randomInt(rng, candidates.length)];
}

/**
 * The next anti-entropy delay: uniformly random in [minMs, currentMs], where `currentMs`
 * doubles after a round that found nothing (up to maxMs) and falls back to minMs after a
 * round that pulled something. Returns the delay and the new `currentMs`.
 */
export function nextBackoff(
  rng: Rng,
  currentMs: number,
  foundSomething: boolean,
  minMs: number,
  maxMs: number,
): { delayMs: number; currentMs: number } {
  const next = foundSomething ? minMs : Math.min(maxMs, Math.max(minMs, currentMs * 2));
  return { delayMs: minMs + rng.next() * (next - minMs), currentMs: next };
}
