import { Applier, hlcPhysicalMs } from '../broadcast/applier.js';
import { Broadcaster } from '../broadcast/broadcaster.js';
import { decodeMessage } from '../broadcast/codec.js';
import type { SignalMsg } from '../broadcast/messages.js';
import { ReplicationMetrics } from '../broadcast/metrics.js';
import type { ReplicaStore } from '../broadcast/replica-store.js';
import { WireCode } from '../broadcast/wire-codes.js';
import type { MembershipMessaging } from '../membership/messaging.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ActorId, CommitEvent } from '../store/types.js';
import { AntiEntropy } from '../sync/anti-entropy.js';
import type { ChannelFactory } from '../transport/channel.js';
import { type ReplicationConfig, resolveReplicationConfig } from './replication-config.js';

/** A channel factory signalled through gossip (WebRTC); replication routes its signals to it. */
export interface SignalledChannelFactory extends ChannelFactory {
  /** Handles a signalling message from `from`. */
  handleSignal(from: ActorId, msg: SignalMsg): void;
}

/** What {@link Replication} is built from. */
export interface ReplicationDeps {
  readonly messaging: MembershipMessaging;
  readonly store: ReplicaStore;
  readonly runtime: Runtime;
  readonly channels: ChannelFactory | SignalledChannelFactory;
  readonly config?: Partial<ReplicationConfig>;
}

/**
 * The replication layer of one node: broadcast of changesets over membership's gossip plus
 * anti-entropy over reliable channels. It owns membership's message handler and routes
 * each payload by type (changesets, announcements, dependency requests, channel signals).
 * The simulator builds one per node; the {@link Agent} builds one over the real parts.
 *
 * Run membership with `relayBroadcasts: false` (the Agent does): replication passes on a
 * changeset only when it was new here, so membership must not relay every broadcast itself
 * (with relaying on, everything still converges, at the cost of redundant transmissions).
 */
export class Replication {
  readonly metrics = new ReplicationMetrics();
  readonly config: Readonly<ReplicationConfig>;
  readonly broadcaster: Broadcaster;
  readonly antiEntropy: AntiEntropy;
  private closed = false;

  constructor(private readonly deps: ReplicationDeps) {
    this.config = resolveReplicationConfig(deps.config);
    const { messaging, store, runtime, channels } = deps;
    const applier = new Applier(store, this.metrics);
    let broadcaster: Broadcaster | undefined;
    this.antiEntropy = new AntiEntropy(
      messaging,
      store,
      applier,
      channels,
      runtime,
      this.metrics,
      this.config,
      (from, fresh, missing) => broadcaster?.afterApply(from, fresh, missing),
    );
    broadcaster = new Broadcaster(
      messaging,
      store,
      applier,
      runtime,
      this.metrics,
      this.config,
      this.antiEntropy,
    );
    this.broadcaster = broadcaster;
    messaging.onMessage((from, payload) => this.onPayload(from, payload));
    store.onCommit((e: CommitEvent) => {
      if (this.closed) return;
      if (e.source === 'local') {
        for (const cs of e.changesets) broadcaster.publishLocal(cs);
        return;
      }
      // Receive lag: the writer's HLC commit time to the moment the rows changed here, for
      // every path (gossip, dependency replies, pending changesets completed, anti-entropy).
      const now = runtime.clock.now();
      for (const cs of e.changesets) this.metrics.lag.record(now - hlcPhysicalMs(cs.ts));
    });
  }

  /** Starts anti-entropy rounds (broadcast is active from construction). */
  start(): this {
    this.antiEntropy.start();
    return this;
  }

  /** Runs one anti-entropy round now. */
  syncNow(): void {
    this.antiEntropy.runRound();
  }

  /** Stops rounds, ends sessions and closes channels. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.broadcaster.close();
    this.antiEntropy.close();
    this.deps.channels.close();
  }

  private onPayload(from: ActorId, payload: Uint8Array): void {
    if (this.closed) return;
    this.metrics.bytesReceived += payload.length;
    const msg = decodeMessage(payload);
    if (!msg) {
      this.metrics.decodeErrors++;
      return;
    }
    switch (msg.type) {
      case WireCode.Changeset:
        this.broadcaster.onChangeset(from, msg, payload);
        return;
      case WireCode.Fanout:
        this.broadcaster.onFanout(from, msg);
        return;
      case WireCode.Announce:
        this.broadcaster.onAnnounce(from, msg);
        return;
      case WireCode.DepRequest:
        this.broadcaster.onDepRequest(from, msg);
        return;
      case WireCode.Signal: {
        const ch = this.deps.channels;
        if ('handleSignal' in ch) ch.handleSignal(from, msg);
        else this.metrics.misrouted++;
        return;
      }
      default:
        this.metrics.misrouted++;
    }
  }
}
