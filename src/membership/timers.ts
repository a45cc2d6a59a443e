import type { ActorId } from '../store/types.js';

/**
 * Timers are data (foca's shape): the core asks its runtime to hand a timer back after a delay,
 * and ignores it when its token is stale (the thing it was for was cancelled or replaced).
 * Nothing needs cancelling, which keeps drivers trivial and runs replayable.
 */
export type MembershipTimer =
  /** Start the next probe (also ends the previous one). */
  | { readonly kind: 'probe'; readonly token: number }
  /** The direct ack of probe `seq` is overdue: ask others. */
  | { readonly kind: 'probe-timeout'; readonly token: number; readonly seq: number }
  /** A relayed ping-req `seq` got no ack in time: send a nack to its requester. */
  | { readonly kind: 'relay-timeout'; readonly token: number; readonly seq: number }
  /** Suspicion of `id` ran out: declare it dead. */
  | { readonly kind: 'suspicion'; readonly token: number; readonly id: ActorId }
  /** Gossip round. */
  | { readonly kind: 'gossip'; readonly token: number }
  /** Push-pull round. */
  | { readonly kind: 'push-pull'; readonly token: number }
  /** Join retry number `attempt`. */
  | { readonly kind: 'join'; readonly token: number; readonly attempt: number }
  /** `leave()` has waited long enough. */
  | { readonly kind: 'leave-done'; readonly token: number };
