import type { ActorId } from '../store/types.js';
import type { MemberInfo, MemberState } from './messaging.js';
import type { MembershipTimer } from './timers.js';

/** A member transition, reported for every member but this node. */
export interface MemberChange {
  /** `up`: became alive (joined, refuted, came back); `updated`: alive with new metadata. */
  readonly kind: 'up' | 'suspect' | 'down' | 'left' | 'updated';
  readonly member: MemberInfo;
  /** State before the change; undefined for a member seen for the first time. */
  readonly previous: MemberState | undefined;
}

/** What the core tells its driver. */
export type CoreNotification =
  | { readonly type: 'change'; readonly change: MemberChange }
  | { readonly type: 'message'; readonly from: ActorId; readonly payload: Uint8Array }
  | { readonly type: 'leave-done' };

/** The three effects the core acts through (foca's runtime). */
export interface CoreEffects {
  send(to: string, packet: Uint8Array): void;
  schedule(timer: MembershipTimer, delayMs: number): void;
  notify(notification: CoreNotification): void;
}
