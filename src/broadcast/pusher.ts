import type { MembershipMessaging } from '../membership/messaging.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ActorId, Changeset } from '../store/types.js';
import { BoundedSet } from './bounded-set.js';
import { encodeMessage } from './codec.js';
import { type FanoutConfig, nearestFirst, pushPlan, sliceOf } from './fanout.js';
import type { FanoutMsg } from './messages.js';
import type { ReplicationMetrics } from './metrics.js';
import { SendBudget } from './send-budget.js';
import { WireCode } from './wire-codes.js';

/** Push settings (see `ReplicationConfig` for the documented defaults). */
export interface PushConfig extends FanoutConfig {
  /** Most direct pushes (writer sends and relay forwards) per second; also the burst size. */
  readonly maxPushesPerSec: number;
}

/** Peers a large changeset's announcement is sent to directly, nearest first. */
const ANNOUNCE_PEERS = 3;

/** Relay duties remembered, so a repeated Fanout is not forwarded twice. */
const MAX_DUTIES = 1024;

/**
 * The sending side of the push policy (`fanout.ts`): a writer's direct or two-hop push and a
 * relay's forwarding to its slice, every send paid from one token bucket
 * (`maxPushesPerSec`). Pushes the bucket cannot pay for are skipped and counted
 * (`pushesDeferred`); the broadcaster's gossip carries the changeset instead.
 */
export class Pusher {
  private readonly budget: SendBudget;
  /** Relay duties done (`key/slice/slices`). */
  private readonly forwarded = new BoundedSet(MAX_DUTIES);

  constructor(
    private readonly messaging: MembershipMessaging,
    private readonly runtime: Runtime,
    private readonly metrics: ReplicationMetrics,
    private readonly config: PushConfig,
  ) {
    this.budget = new SendBudget(config.maxPushesPerSec, runtime.clock.now());
  }

  /** Pushes a changeset committed here: directly to every peer, or to relays with their slices. */
  pushNew(cs: Changeset): void {
    const { peers, sameRegion } = this.nearest();
    const plan = pushPlan(peers.length, sameRegion, this.config);
    if (plan.kind === 'direct') {
      this.pushAll(peers, encodeMessage({ type: WireCode.Changeset, relay: false, changeset: cs }));
      return;
    }
    const granted = this.budget.take(plan.relays, this.runtime.clock.now());
    this.metrics.pushesDeferred += plan.relays - granted;
    for (let i = 0; i < granted; i++) {
      const msg: FanoutMsg = { type: WireCode.Fanout, slice: i, slices: plan.relays, changeset: cs };
      this.send(peers[i] as ActorId, encodeMessage(msg));
    }
  }

  /** Sends the announcement of a changeset too large for a packet to the nearest few peers. */
  pushAnnouncement(announce: Uint8Array): void {
    this.pushAll(this.nearest().peers.slice(0, ANNOUNCE_PEERS), announce);
  }

  /**
   * Relay duty of the two-hop push: forwards `cs` at once to every alive peer in `slice`,
   * except its writer and the sender, once per duty. Returns false when the budget did not pay
   * for every target (the caller gossips the changeset instead).
   */
  forwardSlice(from: ActorId, cs: Changeset, key: string, slice: number, slices: number): boolean {
    const duty = `${key}/${slice}/${slices}`;
    if (this.forwarded.has(duty)) return true;
    this.forwarded.add(duty);
    const self = this.messaging.actorId;
    const targets: ActorId[] = [];
    for (const m of this.messaging.members()) {
      if (m.state !== 'alive' || m.actorId === self || m.actorId === from || m.actorId === cs.actor) continue;
      if (sliceOf(m.actorId, key, slices) === slice) targets.push(m.actorId);
    }
    this.metrics.relayForwards++;
    if (targets.length === 0) return true;
    return this.pushAll(targets, encodeMessage({ type: WireCode.Changeset, relay: false, changeset: cs }));
  }

  private nearest() {
    return nearestFirst(
      this.messaging.members(),
      this.messaging.actorId,
      (id) => this.messaging.rttMs(id),
      this.runtime.rng,
    );
  }

  /** Pushes `payload` to each of `peers` (in order) that the budget pays for; false if not all. */
  private pushAll(peers: readonly ActorId[], payload: Uint8Array): boolean {
    const granted = this.budget.take(peers.length, this.runtime.clock.now());
    this.metrics.pushesDeferred += peers.length - granted;
    for (let i = 0; i < granted; i++) this.send(peers[i] as ActorId, payload);
    return granted === peers.length;
  }

  private send(peer: ActorId, payload: Uint8Array): void {
    if (!this.messaging.sendTo(peer, payload)) return;
    this.metrics.eagerSends++;
    this.metrics.bytesSent += payload.length;
  }
}
