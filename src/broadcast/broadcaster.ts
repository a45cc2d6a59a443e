import type { MembershipMessaging } from '../membership/messaging.js';
import { shuffled } from '../runtime/rng.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TimerHandle } from '../runtime/scheduler.js';
import type { ActorId, Changeset, Needs, Version } from '../store/types.js';
import { type Applier, changesetKey } from './applier.js';
import { BoundedSet } from './bounded-set.js';
import { encodeMessage } from './codec.js';
import type { AnnounceMsg, ChangesetMsg, DepRequestMsg } from './messages.js';
import type { ReplicationMetrics } from './metrics.js';
import type { ReplicaStore } from './replica-store.js';
import { WireCode } from './wire-codes.js';

/** Most received changesets applied in one store call; reaching it applies at once. */
export const MAX_APPLY_BATCH = 128;

/** Broadcast settings (see `ReplicationConfig` for the documented defaults). */
export interface BroadcastConfig {
  /** Peers a new local changeset is pushed to at once, nearest by RTT first. */
  readonly eagerPeers: number;
  /** Changeset keys remembered as seen, to drop duplicates before touching the store. */
  readonly seenCacheSize: number;
  /** A missing dependency hash is requested again only after this many ms. */
  readonly depRequestCooldownMs: number;
  /** Most changesets sent in answer to one dependency request. */
  readonly maxDepReplyChangesets: number;
}

/** What the broadcaster needs from anti-entropy. */
export interface PullRequester {
  /** Pull `needs` from `peer` over a channel soon (bounded; may be dropped at the bound). */
  pullFrom(peer: ActorId, needs: Needs): void;
  /** Something is known to be missing here: run anti-entropy sooner. */
  poke(): void;
  /** `peer` is known to hold `actor`'s versions up to `version`. */
  noteHead(peer: ActorId, actor: ActorId, version: number): void;
}

/**
 * Dissemination of changesets. A new local changeset is pushed at once to the nearest few
 * peers and queued on membership's transmit-limited gossip; a remote one that is new here is
 * passed on, one already booked is dropped. Changesets too large for one packet travel as an
 * announcement that receivers answer by pulling over a channel. Missing Automerge
 * dependencies are requested from the sender directly.
 */
export class Broadcaster {
  private readonly seen: BoundedSet;
  private readonly requestedDeps: BoundedSet;
  /** Announced changesets being pulled, re-announced once they arrive. */
  private readonly awaitingAnnounce: BoundedSet;
  /** Received changesets waiting to be applied in one batch (at most MAX_APPLY_BATCH). */
  private queue: { from: ActorId; msg: ChangesetMsg; bytes: Uint8Array; key: string }[] = [];
  private flushTimer: TimerHandle | undefined;

  constructor(
    private readonly messaging: MembershipMessaging,
    private readonly store: ReplicaStore,
    private readonly applier: Applier,
    private readonly runtime: Runtime,
    private readonly metrics: ReplicationMetrics,
    private readonly config: BroadcastConfig,
    private readonly puller: PullRequester,
  ) {
    this.seen = new BoundedSet(config.seenCacheSize);
    this.requestedDeps = new BoundedSet(4096);
    this.awaitingAnnounce = new BoundedSet(1024);
  }

  /** Disseminates a changeset committed here. */
  publishLocal(cs: Changeset): void {
    this.metrics.localChangesets++;
    const key = changesetKey(cs.actor, cs.version);
    this.seen.add(key);
    const payload = this.payloadFor(cs, true);
    for (const peer of this.nearestPeers(this.config.eagerPeers)) {
      if (this.send(peer, payload)) this.metrics.eagerSends++;
    }
    this.gossip(payload, key);
  }

  /**
   * Handles a changeset that arrived by push or gossip from `from`. New ones are queued and
   * applied together at the end of the current task (or at once when {@link MAX_APPLY_BATCH}
   * are queued): one store transaction for many changesets costs about half as much CPU per
   * changeset as one each (measured with the real store).
   */
  onChangeset(from: ActorId, msg: ChangesetMsg, bytes: Uint8Array): void {
    const cs = msg.changeset;
    this.metrics.changesetsReceived++;
    this.puller.noteHead(from, cs.actor, cs.version);
    const key = changesetKey(cs.actor, cs.version);
    if (this.seen.has(key) || this.store.has(cs.actor, cs.version)) {
      this.metrics.duplicates++;
      return;
    }
    this.seen.add(key);
    this.queue.push({ from, msg, bytes, key });
    if (this.queue.length >= MAX_APPLY_BATCH) this.flush();
    else this.flushTimer ??= this.runtime.scheduler.after(0, () => this.flush());
  }

  /** Applies the queued changesets now. */
  flush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const outcome = this.applier.apply(batch.map((b) => b.msg.changeset));
    const fresh = new Set(outcome.fresh.map((cs) => changesetKey(cs.actor, cs.version)));
    const bySender = new Map<ActorId, { fresh: Changeset[]; missing: string[] }>();
    let gap = false;
    for (const b of batch) {
      let g = bySender.get(b.from);
      if (!g) {
        g = { fresh: [], missing: [] };
        bySender.set(b.from, g);
      }
      const cs = b.msg.changeset;
      if (fresh.has(b.key)) {
        g.fresh.push(cs);
        if (b.msg.relay) {
          this.metrics.relayed++;
          this.gossip(b.bytes, b.key);
        }
      }
      g.missing.push(...(outcome.missingOf.get(b.key) ?? []));
      if (cs.version > 1 && !this.store.has(cs.actor, (cs.version - 1) as Version)) gap = true;
    }
    for (const [from, g] of bySender) this.afterApply(from, g.fresh, g.missing);
    if (gap) this.puller.poke();
  }

  /** Drops queued work (node closing). */
  close(): void {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.queue = [];
  }

  /** Handles an announcement of a large changeset: pull it from the announcer if new. */
  onAnnounce(from: ActorId, msg: AnnounceMsg): void {
    this.puller.noteHead(from, msg.actor, msg.version);
    const key = changesetKey(msg.actor, msg.version);
    if (
      this.seen.has(key) ||
      this.awaitingAnnounce.has(key) ||
      this.store.has(msg.actor, msg.version as Version)
    ) {
      this.metrics.duplicates++;
      return;
    }
    this.awaitingAnnounce.add(key);
    this.metrics.announcePulls++;
    this.puller.pullFrom(from, { [msg.actor]: [[msg.version, msg.version]] });
  }

  /** Serves a dependency request: sends the changesets holding the hashes back to `from`. */
  onDepRequest(from: ActorId, msg: DepRequestMsg): void {
    this.metrics.depRequestsServed++;
    let found: readonly Changeset[];
    try {
      found = this.store.changesetsContaining(msg.hashes);
    } catch {
      return;
    }
    for (const cs of found.slice(0, this.config.maxDepReplyChangesets)) {
      this.send(from, this.payloadFor(cs, false));
    }
  }

  /**
   * Bookkeeping after changesets arrived from `from` by any path (gossip, anti-entropy):
   * ask `from` for missing dependencies, re-announce large changesets we were waiting for.
   */
  afterApply(from: ActorId, fresh: readonly Changeset[], missing: readonly string[]): void {
    for (const cs of fresh) {
      const key = changesetKey(cs.actor, cs.version);
      this.seen.add(key);
      if (this.awaitingAnnounce.has(key)) {
        this.awaitingAnnounce.delete(key);
        this.gossip(this.payloadFor(cs, true), key);
      }
    }
    if (missing.length === 0) return;
    const now = this.runtime.clock.now();
    const wanted: string[] = [];
    for (const h of new Set(missing)) {
      const last = this.requestedDeps.get(h);
      if (last !== undefined && now - last < this.config.depRequestCooldownMs) continue;
      this.requestedDeps.add(h, now);
      wanted.push(h);
      if (wanted.length >= 64) break;
    }
    if (wanted.length === 0) return;
    this.metrics.depRequestsSent++;
    this.send(from, encodeMessage({ type: WireCode.DepRequest, hashes: wanted }));
  }

  /** The gossip payload for a changeset, or its announcement when it is too large. */
  private payloadFor(cs: Changeset, relay: boolean): Uint8Array {
    const full = encodeMessage({ type: WireCode.Changeset, relay, changeset: cs });
    if (full.length <= this.messaging.maxPayloadBytes) return full;
    this.metrics.announcesSent++;
    return encodeMessage({
      type: WireCode.Announce,
      actor: cs.actor,
      version: cs.version,
      ts: cs.ts,
      sizeBytes: full.length,
    });
  }

  private gossip(payload: Uint8Array, key: string): void {
    if (this.messaging.broadcast(payload, key)) {
      this.metrics.gossipQueued++;
      this.metrics.bytesSent += payload.length;
    } else this.metrics.gossipRefused++;
  }

  private send(peer: ActorId, payload: Uint8Array): boolean {
    const ok = this.messaging.sendTo(peer, payload);
    if (ok) this.metrics.bytesSent += payload.length;
    return ok;
  }

  /** Up to `k` alive peers, nearest measured RTT first; unmeasured ones after, in random order. */
  private nearestPeers(k: number): ActorId[] {
    if (k <= 0) return [];
    const self = this.messaging.actorId;
    const alive = this.messaging.members().filter((m) => m.state === 'alive' && m.actorId !== self);
    const withRtt = shuffled(this.runtime.rng, alive).map((m) => ({
      id: m.actorId,
      rtt: this.messaging.rttMs(m.actorId) ?? Number.POSITIVE_INFINITY,
    }));
    withRtt.sort((a, b) => (a.rtt === b.rtt ? 0 : a.rtt < b.rtt ? -1 : 1));
    return withRtt.slice(0, k).map((x) => x.id);
  }
}
