import type { Applier } from '../broadcast/applier.js';
import type { PullRequester } from '../broadcast/broadcaster.js';
import { decodeMessage } from '../broadcast/codec.js';
import type { ReplicationMetrics } from '../broadcast/metrics.js';
import type { ReplicaStore } from '../broadcast/replica-store.js';
import { WireCode } from '../broadcast/wire-codes.js';
import type { MembershipMessaging } from '../membership/messaging.js';
import { sample } from '../runtime/rng.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TimerHandle } from '../runtime/scheduler.js';
import type { ActorId, Changeset, Needs } from '../store/types.js';
import type { Channel, ChannelFactory } from '../transport/channel.js';
import { ChannelPool, type ChannelPoolConfig } from './channel-pool.js';
import { choosePeer, nextBackoff, type PeerCandidate } from './peer-choice.js';
import { PeerKnowledge } from './peer-knowledge.js';
import type { SyncConfig } from './sync-config.js';
import { SyncServer } from './sync-server.js';
import { type SessionResult, SyncSession } from './sync-session.js';

/** Called with what a session pulled from `from`, so broadcast can finish its bookkeeping. */
export type PulledHook = (from: ActorId, fresh: readonly Changeset[], missing: readonly string[]) => void;

/**
 * Anti-entropy: every round (randomised backoff between `syncMinIntervalMs` and
 * `syncMaxIntervalMs`) pick the peer known to hold most of what we lack (or a random one),
 * exchange sync states over a pooled channel and pull the difference in bounded chunks.
 * Also runs targeted pulls (announced large changesets) and serves peers' sessions.
 */
export class AntiEntropy implements PullRequester {
  readonly knowledge = new PeerKnowledge();
  private readonly pool: ChannelPool;
  private readonly server: SyncServer;
  private readonly sessions = new Map<number, SyncSession>();
  private readonly queued: { peer: ActorId; needs: Needs }[] = [];
  private nextSid = 1;
  private timer: TimerHandle | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private currentMs: number;
  /** The last round's session pulled nothing: the next round explores a random peer. */
  private lastRoundEmpty = false;
  private closed = false;
  private started = false;
  private startedAtMs = 0;

  constructor(
    private readonly messaging: MembershipMessaging,
    private readonly store: ReplicaStore,
    private readonly applier: Applier,
    channels: ChannelFactory,
    private readonly runtime: Runtime,
    private readonly metrics: ReplicationMetrics,
    private readonly config: SyncConfig & ChannelPoolConfig,
    private readonly onPulled: PulledHook,
  ) {
    this.currentMs = config.syncMinIntervalMs;
    this.pool = new ChannelPool(
      messaging.actorId,
      channels,
      runtime,
      config,
      (ch) => this.attach(ch),
      (ch) => this.detach(ch),
    );
    this.server = new SyncServer(store, runtime, metrics, config, (peer, state, local) =>
      this.knowledge.noteState(peer, state, local),
    );
  }

  /** Open channels (for metrics). */
  get channels(): number {
    return this.pool.size;
  }

  /** Sessions served now. */
  get servedSessions(): number {
    return this.server.active;
  }

  /** Client sessions running now. */
  get activeSessions(): number {
    return this.sessions.size;
  }

  /** Starts the periodic rounds. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.startedAtMs = this.runtime.clock.now();
    this.schedule(this.warmupDelayMs() ?? this.config.syncMinIntervalMs * this.runtime.rng.next());
  }

  /** Runs one round now (tests, and `poke`). */
  runRound(): void {
    if (this.closed) return;
    if (this.sessions.size >= this.config.maxClientSessions) return;
    const local = this.store.syncState();
    const self = this.messaging.actorId;
    const alive = this.messaging.members().filter((m) => m.state === 'alive' && m.actorId !== self);
    if (alive.length === 0) return;
    const aliveSet = new Set(alive.map((m) => m.actorId));
    const ids = new Set<ActorId>(sample(this.runtime.rng, [...aliveSet], this.config.peerSample));
    for (const p of this.knowledge.knownPeers()) if (aliveSet.has(p)) ids.add(p);
    const candidates: PeerCandidate[] = [...ids].map((actor) => ({
      actor,
      lack: this.knowledge.lack(actor, local),
      rttMs: this.messaging.rttMs(actor),
    }));
    const chosen = choosePeer(candidates, this.runtime.rng, this.lastRoundEmpty);
    if (chosen) this.runSession(chosen.actor, undefined, (r) => this.afterRound(r));
  }

  pullFrom(peer: ActorId, needs: Needs): void {
    if (this.closed) return;
    if (this.sessions.size < this.config.maxClientSessions) {
      this.runSession(peer, needs, () => this.drainQueue());
      return;
    }
    if (this.queued.length >= this.config.maxQueuedPulls) return; // anti-entropy will catch up
    this.queued.push({ peer, needs });
  }

  poke(): void {
    if (!this.started || this.closed) return;
    const at = this.runtime.clock.now() + this.config.syncMinIntervalMs;
    if (at < this.timerDueAt) {
      this.currentMs = this.config.syncMinIntervalMs;
      this.schedule(this.config.syncMinIntervalMs);
    }
  }

  noteHead(peer: ActorId, actor: ActorId, version: number): void {
    this.knowledge.noteHead(peer, actor, version);
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    for (const s of [...this.sessions.values()]) s.abort();
    this.server.close();
    this.pool.close();
  }

  private schedule(delayMs: number): void {
    this.timer?.cancel();
    this.timerDueAt = this.runtime.clock.now() + delayMs;
    this.timer = this.runtime.scheduler.after(delayMs, () => {
      this.timer = undefined;
      this.timerDueAt = Number.POSITIVE_INFINITY;
      const before = this.sessions.size;
      this.runRound();
      // No session started (no peers, or all slots busy): try again after a backoff step.
      if (this.sessions.size === before) this.afterRound(undefined);
    });
  }

  /** The next delay while warming up (see `syncWarmupMs`), else undefined. */
  private warmupDelayMs(): number | undefined {
    if (this.runtime.clock.now() - this.startedAtMs >= this.config.syncWarmupMs) return undefined;
    return (this.config.syncMinIntervalMs / 4) * (0.5 + 0.5 * this.runtime.rng.next());
  }

  private afterRound(r: SessionResult | undefined): void {
    if (this.closed || this.timer) return;
    if (r !== undefined) this.lastRoundEmpty = r.pulled === 0;
    const warm = this.warmupDelayMs();
    if (warm !== undefined) {
      this.schedule(warm);
      return;
    }
    // Only progress resets the backoff: a peer that keeps offering versions we cannot apply
    // (e.g. for a table our schema lacks) must not make us hammer it every second.
    const found = r !== undefined && r.pulled > 0;
    const b = nextBackoff(
      this.runtime.rng,
      this.currentMs,
      found,
      this.config.syncMinIntervalMs,
      this.config.syncMaxIntervalMs,
    );
    this.currentMs = b.currentMs;
    this.schedule(b.delayMs);
  }

  private drainQueue(): void {
    while (!this.closed && this.queued.length > 0 && this.sessions.size < this.config.maxClientSessions) {
      const q = this.queued.shift();
      if (q) this.runSession(q.peer, q.needs, () => this.drainQueue());
    }
  }

  private runSession(peer: ActorId, target: Needs | undefined, done: (r: SessionResult) => void): void {
    const sid = this.nextSid;
    this.nextSid = (this.nextSid % 0xffffffff) + 1;
    this.metrics.syncStarted++;
    // Reserve the slot while the channel opens.
    const placeholder = { abort: () => {} } as unknown as SyncSession;
    this.sessions.set(sid, placeholder);
    this.pool.acquire(peer, (ch) => {
      if (this.sessions.get(sid) !== placeholder) return;
      if (!ch || this.closed) {
        this.sessions.delete(sid);
        this.metrics.syncFailed++;
        done({ end: 'closed', pulled: 0, needed: 0 });
        return;
      }
      const session = new SyncSession(
        sid,
        ch,
        this.store,
        this.runtime,
        this.config,
        {
          apply: (cs) => {
            const outcome = this.applier.apply(cs);
            this.metrics.syncPulled += outcome.fresh.length;
            this.onPulled(peer, outcome.fresh, outcome.missing);
            return outcome;
          },
          onServerState: (state, local) => this.knowledge.noteState(peer, state, local),
          onSent: (n) => {
            this.metrics.bytesSent += n;
          },
          onEnd: (r) => {
            this.sessions.delete(sid);
            this.pool.release(peer);
            if (r.end === 'done') this.metrics.syncCompleted++;
            else this.metrics.syncFailed++;
            done(r);
          },
        },
        target,
      );
      this.sessions.set(sid, session);
      session.start();
    });
  }

  /** Installs the message handler of a pooled channel. */
  private attach(ch: Channel): void {
    ch.onMessage((bytes) => {
      this.metrics.bytesReceived += bytes.length;
      this.pool.touch(ch.peer);
      const msg = decodeMessage(bytes);
      if (!msg) {
        this.metrics.decodeErrors++;
        return;
      }
      switch (msg.type) {
        case WireCode.SyncStart:
          this.server.onStart(ch, msg);
          return;
        case WireCode.SyncPull:
          this.server.onPull(ch, msg);
          return;
        case WireCode.SyncEnd:
          this.server.onEnd(ch, msg);
          return;
        case WireCode.SyncState:
        case WireCode.SyncBusy:
        case WireCode.SyncChangesets: {
          const s = this.sessions.get(msg.sid);
          if (!s || s.channel !== ch) {
            this.metrics.misrouted++;
            return;
          }
          if (msg.type === WireCode.SyncState) s.onState(msg);
          else if (msg.type === WireCode.SyncBusy) s.onBusy();
          else s.onChangesets(msg);
          return;
        }
        default:
          this.metrics.misrouted++;
      }
    });
  }

  private detach(ch: Channel): void {
    this.server.onChannelClosed(ch);
    for (const s of [...this.sessions.values()]) if (s.channel === ch) s.onClosed();
  }
}
