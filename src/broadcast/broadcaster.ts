import type { MembershipMessaging } from '../membership/messaging.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TimerHandle } from '../runtime/scheduler.js';
import type { ActorId, Changeset, Needs, Version } from '../store/types.js';
import { type Applier, changesetKey } from './applier.js';
import { BoundedSet } from './bounded-set.js';
import { encodeMessage } from './codec.js';
import type { AnnounceMsg, ChangesetMsg, DepRequestMsg, FanoutMsg } from './messages.js';
import type { ReplicationMetrics } from './metrics.js';
import { type PushConfig, Pusher } from './pusher.js';
import type { ReplicaStore } from './replica-store.js';
import { WireCode } from './wire-codes.js';

/** Most received changesets applied in one store call; reaching it applies at once. */
export const MAX_APPLY_BATCH = 128;

/** Broadcast settings (see `ReplicationConfig` for the documented defaults). */
export interface BroadcastConfig extends PushConfig {
  /** Changeset keys remembered as seen, to drop duplicates before touching the store. */
  readonly seenCacheSize: number;
  /** A missing dependency hash is requested again only after this many ms. */
  readonly depRequestCooldownMs: number;
  /** Most changesets sent in answer to one dependency request. */
  readonly maxDepReplyChangesets: number;
}

/** Bytes a Fanout message may take beyond the Changeset message of the same changeset. */
const FANOUT_EXTRA_BYTES = 8;

/** What the broadcaster needs from anti-entropy. */
export interface PullRequester {
  /** Pull `needs` from `peer` over a channel soon (bounded; may be dropped at the bound). */
  pullFrom(peer: ActorId, needs: Needs): void;
  /** Something is known to be missing here: run anti-entropy sooner. */
  poke(): void;
  /** `peer` is known to hold `actor`'s versions up to `version`. */
  noteHead(peer: ActorId, actor: ActorId, version: number): void;
}

/** A received changeset waiting in the apply batch, with what to do once it proves new. */
interface Received {
  readonly from: ActorId;
  readonly changeset: Changeset;
  /** The bytes received, re-gossiped as they are when `gossipOn` (a relay-flagged Changeset). */
  readonly bytes: Uint8Array;
  readonly key: string;
  readonly gossipOn: boolean;
  /** Set when this node is a relay of the two-hop push: forward to this slice. */
  readonly slice?: { readonly slice: number; readonly slices: number };
}

/**
 * Dissemination of changesets. A new local changeset is pushed at once, directly to every
 * peer in a small cluster or through a two-hop tree of nearby relays in a larger one (see
 * `fanout.ts`), and also queued on membership's transmit-limited gossip, which repairs what
 * a lost push missed. A relay forwards to its slice as soon as the changeset proves new; a
 * changeset that arrives by gossip and is new here is gossiped on; one already booked is
 * dropped. Pushes are bounded by a token bucket (`maxPushesPerSec`); what it cannot pay for
 * goes to gossip. Changesets too large for one packet travel as an announcement that
 * receivers answer by pulling over a channel. Missing Automerge dependencies are requested
 * from the sender directly.
 */
export class Broadcaster {
  private readonly seen: BoundedSet;
  private readonly requestedDeps: BoundedSet;
  /** Announced changesets being pulled, re-announced once they arrive. */
  private readonly awaitingAnnounce: BoundedSet;
  /** Received changesets waiting to be applied in one batch (at most MAX_APPLY_BATCH). */
  private queue: Received[] = [];
  private flushTimer: TimerHandle | undefined;
  private readonly pusher: Pusher;

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
    this.pusher = new Pusher(messaging, runtime, metrics, config);
  }

  /** Disseminates a changeset committed here. */
  publishLocal(cs: Changeset): void {
    this.metrics.localChangesets++;
    const key = changesetKey(cs.actor, cs.version);
    this.seen.add(key);
    const full = encodeMessage({ type: WireCode.Changeset, relay: true, changeset: cs });
    // Room for the Fanout header too (slice and slices take at most 6 bytes more than `relay`).
    const large = full.length + FANOUT_EXTRA_BYTES > this.messaging.maxPayloadBytes;
    const gossipPayload = large ? this.announcementOf(cs, full.length) : full;
    if (large) this.pusher.pushAnnouncement(gossipPayload);
    else this.pusher.pushNew(cs);
    this.gossip(gossipPayload, key);
  }

  /** Handles a changeset sent to this node as relay `msg.slice` of a two-hop push. */
  onFanout(from: ActorId, msg: FanoutMsg): void {
    this.receive(from, msg.changeset, undefined, { slice: msg.slice, slices: msg.slices });
  }

  /**
   * Handles a changeset that arrived by push or gossip from `from`. New ones are queued and
   * applied together at the end of the current task (or at once when {@link MAX_APPLY_BATCH}
   * are queued): one store transaction for many changesets costs about half as much CPU per
   * changeset as one each (measured with the real store).
   */
  onChangeset(from: ActorId, msg: ChangesetMsg, bytes: Uint8Array): void {
    this.receive(from, msg.changeset, msg.relay ? bytes : undefined, undefined);
  }

  private receive(
    from: ActorId,
    cs: Changeset,
    gossipBytes: Uint8Array | undefined,
    slice: Received['slice'],
  ): void {
    this.metrics.changesetsReceived++;
    this.puller.noteHead(from, cs.actor, cs.version);
    const key = changesetKey(cs.actor, cs.version);
    if (this.seen.has(key) || this.store.has(cs.actor, cs.version)) {
      this.metrics.duplicates++;
      // A relay may hear of the changeset from another relay before its own copy from the
      // writer arrives (jitter, or a path shorter than the direct one): its slice still waits.
      if (slice) this.forwardSlice(from, cs, key, slice.slice, slice.slices);
      return;
    }
    this.seen.add(key);
    this.queue.push({
      from,
      changeset: cs,
      bytes: gossipBytes ?? EMPTY,
      key,
      gossipOn: gossipBytes !== undefined,
      ...(slice ? { slice } : {}),
    });
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
    const outcome = this.applier.apply(batch.map((b) => b.changeset));
    const fresh = new Set(outcome.fresh.map((cs) => changesetKey(cs.actor, cs.version)));
    const bySender = new Map<ActorId, { fresh: Changeset[]; missing: string[] }>();
    let gap = false;
    for (const b of batch) {
      let g = bySender.get(b.from);
      if (!g) {
        g = { fresh: [], missing: [] };
        bySender.set(b.from, g);
      }
      const cs = b.changeset;
      if (fresh.has(b.key)) {
        g.fresh.push(cs);
        if (b.slice) this.forwardSlice(b.from, cs, b.key, b.slice.slice, b.slice.slices);
        if (b.gossipOn) {
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
    return this.announcementOf(cs, full.length);
  }

  /** An announcement of `cs`, whose Changeset message takes `sizeBytes`. */
  private announcementOf(cs: Changeset, sizeBytes: number): Uint8Array {
    this.metrics.announcesSent++;
    return encodeMessage({
      type: WireCode.Announce,
      actor: cs.actor,
      version: cs.version,
      ts: cs.ts,
      sizeBytes,
    });
  }

  /** Relay duty (see {@link Pusher.forwardSlice}); gossip takes what the budget refused. */
  private forwardSlice(from: ActorId, cs: Changeset, key: string, slice: number, slices: number): void {
    if (!this.pusher.forwardSlice(from, cs, key, slice, slices)) this.gossip(this.payloadFor(cs, true), key);
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
}

const EMPTY = new Uint8Array(0);
