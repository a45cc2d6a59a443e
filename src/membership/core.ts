import type { Clock } from '../runtime/clock.js';
import type { Rng } from '../runtime/rng.js';
import type { ActorId } from '../store/types.js';
import type { Sealer } from '../transport/seal.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  envelopeOverheadBytes,
  messageCostBytes,
  strHeaderBytes,
} from '../transport/wire-codec.js';
import { actorIdToBytes, bytesToActorId } from './actor-id.js';
import { Awareness } from './awareness.js';
import type { MembershipConfig } from './config.js';
import { type MemberRecord, MemberTable, pickRandom, toInfo } from './member-table.js';
import { decodeMessage, encodeMessage, type MemberEntry, type Message, type Meta } from './messages.js';
import type { MemberInfo, MemberState } from './messaging.js';
import { type MembershipCounters, newCounters } from './metrics.js';
import { type IndirectRelay, type PendingProbe, ProbeOrder, smoothRtt } from './probe.js';
import { chunkEntries, pushPullIntervalMs } from './push-pull.js';
import { SeenSet } from './seen-set.js';
import { expectedConfirmations, Suspicion, suspicionTimeoutMs } from './suspicion.js';
import type { MembershipTimer } from './timers.js';
import { retransmitLimit, TransmitQueue } from './transmit-queue.js';

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

/** Identity and collaborators of a core. */
export interface CoreOptions {
  readonly config: MembershipConfig;
  readonly actorId: ActorId;
  readonly addr: string;
  readonly clusterName: string;
  readonly meta: Meta;
  readonly bootstrap: readonly string[];
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly rng: Rng;
}

// Slack kept free in a packet beyond the exact message costs, for the user message framing.
const USER_FRAMING_BYTES = 40;

/**
 * The SWIM + Lifeguard protocol as a pure state machine. Inputs: {@link handlePacket},
 * {@link handleTimer} and the local commands; outputs only through {@link CoreEffects}.
 * Never throws for peer input: bad packets are dropped and counted in {@link counters}.
 */
export class MembershipCore {
  readonly counters: MembershipCounters = newCounters();
  readonly table: MemberTable;
  readonly awareness: Awareness;
  /** Largest user payload, bytes. */
  readonly maxPayloadBytes: number;
  private readonly cfg: MembershipConfig;
  private readonly self: MemberRecord;
  private readonly selfBytes: Uint8Array;
  private readonly bodyBudget: number;
  private readonly memberQueue: TransmitQueue;
  private readonly userQueue: TransmitQueue;
  private readonly seen: SeenSet;
  private readonly suspicions = new Map<ActorId, Suspicion>();
  private readonly relays = new Map<number, IndirectRelay>();
  private readonly probeOrder = new ProbeOrder();
  private probe: PendingProbe | undefined;
  private nextSeq = 1;
  private nextToken = 1;
  private nextSession = 1;
  private broadcastSeq = 0;
  private probeToken = 0;
  private gossipToken = 0;
  private pushPullToken = 0;
  private joinToken = 0;
  private joining = false;
  private leaving = false;
  private stopped = false;

  constructor(
    private readonly o: CoreOptions,
    private readonly fx: CoreEffects,
  ) {
    this.cfg = o.config;
    this.table = new MemberTable(o.actorId);
    this.awareness = new Awareness(o.config.awarenessMaxMultiplier);
    this.selfBytes = actorIdToBytes(o.actorId);
    const clusterBytes = Buffer.byteLength(o.clusterName, 'utf8');
    this.bodyBudget = o.config.maxPacketBytes - o.sealer.overheadBytes - envelopeOverheadBytes(clusterBytes);
    this.maxPayloadBytes = this.bodyBudget - USER_FRAMING_BYTES;
    this.memberQueue = new TransmitQueue(o.config.maxMembers + 16, Number.MAX_SAFE_INTEGER);
    this.userQueue = new TransmitQueue(o.config.maxQueuedBroadcasts, o.config.maxQueuedBroadcastBytes);
    this.seen = new SeenSet(o.config.seenBroadcastsCapacity);
    this.self = {
      actorId: o.actorId,
      addr: o.addr,
      incarnation: 0,
      state: 'alive',
      meta: o.meta,
      stateChangedMs: o.clock.now(),
      srttMs: undefined,
    };
    this.table.add(this.self);
  }

  /** This node's incarnation. */
  get incarnation(): number {
    return this.self.incarnation;
  }

  /** User broadcasts queued. */
  get queuedBroadcasts(): number {
    return this.userQueue.size;
  }

  /** Schedules the periodic work (staggered at random so nodes do not tick in lockstep) and joins. */
  start(): void {
    const r = this.o.rng;
    this.queueAlive();
    this.probeToken = this.token();
    this.fx.schedule({ kind: 'probe', token: this.probeToken }, r.next() * this.cfg.probeIntervalMs);
    this.gossipToken = this.token();
    this.fx.schedule({ kind: 'gossip', token: this.gossipToken }, r.next() * this.cfg.gossipIntervalMs);
    if (this.cfg.pushPullIntervalMs > 0) {
      this.pushPullToken = this.token();
      this.fx.schedule(
        { kind: 'push-pull', token: this.pushPullToken },
        r.next() * this.cfg.pushPullIntervalMs,
      );
    }
    this.startJoin();
  }

  /** Stops all activity: later packets and timers are ignored. */
  stop(): void {
    this.stopped = true;
  }

  // ---------------------------------------------------------------- local commands

  /** Every known member, this node included. */
  members(): MemberInfo[] {
    const out: MemberInfo[] = [];
    for (const r of this.table.all()) out.push(toInfo(r));
    return out;
  }

  /** Smoothed RTT to a member, ms. */
  rttMs(id: ActorId): number | undefined {
    return this.table.get(id)?.srttMs;
  }

  /** Queues a user broadcast; false when too large, leaving/stopped, or the queue is full. */
  broadcast(payload: Uint8Array, key?: string): boolean {
    if (this.stopped || payload.length > this.maxPayloadBytes) {
      this.counters.broadcastsRefused++;
      return false;
    }
    const seq = ++this.broadcastSeq >>> 0;
    const bytes = encodeMessage({ type: 'user-broadcast', origin: this.o.actorId, seq, payload });
    const qkey = key === undefined ? `${this.o.actorId}:${seq}` : `${this.o.actorId}/${key}`;
    if (!this.userQueue.push(qkey, bytes)) {
      this.counters.broadcastsRefused++;
      return false;
    }
    return true;
  }

  /** Sends a user payload to one alive or suspect member in one packet. */
  sendTo(id: ActorId, payload: Uint8Array): boolean {
    const r = this.table.get(id);
    if (this.stopped || !r || id === this.o.actorId || payload.length > this.maxPayloadBytes) return false;
    if (r.state !== 'alive' && r.state !== 'suspect') return false;
    this.sendMessages(r.addr, [encodeMessage({ type: 'user-direct', payload })]);
    return true;
  }

  /** Replaces this node's metadata (caller validated it) and announces it with a new incarnation. */
  setMeta(meta: Meta): void {
    this.self.meta = meta;
    this.self.incarnation++;
    this.queueAlive();
  }

  /** Starts a graceful leave; notifies `leave-done` after `leaveWaitMs`. */
  leave(): void {
    if (this.leaving || this.stopped) return;
    this.leaving = true;
    this.probe = undefined;
    this.self.state = 'left';
    this.self.stateChangedMs = this.o.clock.now();
    this.table.touched();
    const msg = { type: 'left', id: this.o.actorId, incarnation: this.self.incarnation } as const;
    this.memberQueue.push(this.o.actorId, encodeMessage(msg));
    this.gossip();
    this.fx.schedule({ kind: 'leave-done', token: this.token() }, this.cfg.leaveWaitMs);
  }

  // ---------------------------------------------------------------- inputs

  /** Handles one datagram. Never throws. */
  handlePacket(from: string, packet: Uint8Array): void {
    if (this.stopped) return;
    const c = this.counters;
    c.packetsIn++;
    c.bytesIn += packet.length;
    const opened = this.o.sealer.open(packet);
    if (!opened.ok) {
      c.droppedAuth++;
      return;
    }
    const env = decodeEnvelope(opened.body, this.o.clusterName);
    if (!env.ok) {
      if (env.reason === 'cluster') c.droppedWrongCluster++;
      else c.droppedDecode++;
      return;
    }
    const sender = bytesToActorId(env.envelope.sender);
    if (sender === this.o.actorId) {
      c.droppedInvalid++;
      return;
    }
    for (const raw of env.envelope.messages) {
      const d = decodeMessage(raw, this.cfg.maxMetaBytes);
      if (!d.ok) {
        if (d.reason === 'decode') c.droppedDecode++;
        else c.droppedInvalid++;
        continue;
      }
      c.messagesIn++;
      this.dispatch(d.message, raw, from, sender);
    }
  }

  /** Handles a timer handed back by the driver. Stale timers are ignored. */
  handleTimer(t: MembershipTimer): void {
    if (this.stopped) return;
    switch (t.kind) {
      case 'probe':
        if (t.token === this.probeToken) this.onProbeTick();
        return;
      case 'probe-timeout':
        if (this.probe && this.probe.seq === t.seq) this.onProbeTimeout(this.probe);
        return;
      case 'relay-timeout':
        this.onRelayTimeout(t.seq);
        return;
      case 'suspicion': {
        const s = this.suspicions.get(t.id);
        if (s && s.token === t.token) this.onSuspicionTimeout(t.id);
        return;
      }
      case 'gossip':
        if (t.token !== this.gossipToken) return;
        this.gossip();
        this.fx.schedule({ kind: 'gossip', token: this.gossipToken }, this.cfg.gossipIntervalMs);
        return;
      case 'push-pull':
        if (t.token === this.pushPullToken) this.onPushPullTick();
        return;
      case 'join':
        if (t.token === this.joinToken) this.joinAttempt(t.attempt);
        return;
      case 'leave-done':
        this.fx.notify({ type: 'leave-done' });
        return;
    }
  }

  // ---------------------------------------------------------------- dispatch

  private dispatch(m: Message, raw: Uint8Array, from: string, sender: ActorId): void {
    switch (m.type) {
      case 'ping':
        if (m.target !== this.o.actorId) {
          this.counters.droppedInvalid++;
          return;
        }
        this.sendMessages(from, [encodeMessage({ type: 'ack', seq: m.seq })]);
        return;
      case 'ping-req':
        this.onPingReq(m.seq, m.target, m.targetAddr, m.nack, from);
        return;
      case 'ack':
        this.onAck(m.seq, sender);
        return;
      case 'nack':
        if (this.probe && this.probe.seq === m.seq) this.probe.nacks++;
        return;
      case 'alive':
        this.onAlive(m.id, m.addr, m.incarnation, m.meta);
        return;
      case 'suspect':
        this.onSuspect(m.id, m.incarnation, m.from);
        return;
      case 'dead':
        this.onDead(m.id, m.incarnation, m.from, false);
        return;
      case 'left':
        this.onDead(m.id, m.incarnation, m.id, true);
        return;
      case 'push-pull':
        this.onPushPull(m.session, m.chunk, m.reply, m.entries, from);
        return;
      case 'user-broadcast':
        this.onUserBroadcast(m.origin, m.seq, m.payload, raw);
        return;
      case 'user-direct':
        this.fx.notify({ type: 'message', from: sender, payload: m.payload });
        return;
    }
  }

  // ---------------------------------------------------------------- probing

  private onProbeTick(): void {
    const prev = this.probe;
    this.probe = undefined;
    if (prev && !prev.acked) this.onProbeFailed(prev);
    if (!this.leaving) this.startProbe();
    this.fx.schedule(
      { kind: 'probe', token: this.probeToken },
      this.awareness.scale(this.cfg.probeIntervalMs),
    );
  }

  private startProbe(): void {
    const id = this.probeOrder.pick(
      this.o.rng,
      () => this.table.liveOthers().map((r) => r.actorId),
      (x) => {
        const s = this.table.get(x)?.state;
        return s === 'alive' || s === 'suspect';
      },
    );
    const target = id && this.table.get(id);
    if (!target) return;
    const seq = this.seq();
    this.probe = {
      seq,
      target: target.actorId,
      startedMs: this.o.clock.now(),
      expectedNacks: 0,
      nacks: 0,
      acked: false,
    };
    this.counters.probes++;
    const msgs: Uint8Array[] = [];
    // Lifeguard buddy system: tell a suspect it is suspected, so it refutes on this very ping.
    if (this.cfg.buddySystem && target.state === 'suspect') {
      msgs.push(
        encodeMessage({
          type: 'suspect',
          id: target.actorId,
          incarnation: target.incarnation,
          from: this.o.actorId,
        }),
      );
    }
    msgs.push(encodeMessage({ type: 'ping', seq, target: target.actorId }));
    this.sendMessages(target.addr, msgs);
    this.fx.schedule({ kind: 'probe-timeout', token: 0, seq }, this.awareness.scale(this.cfg.probeTimeoutMs));
  }

  private onProbeTimeout(p: PendingProbe): void {
    if (p.acked) return;
    const target = this.table.get(p.target);
    if (!target) return;
    const helpers = pickRandom(
      this.o.rng,
      this.table.liveOthers(),
      this.cfg.indirectChecks,
      (r) => r.actorId === p.target || r.state !== 'alive',
    );
    const req = encodeMessage({
      type: 'ping-req',
      seq: p.seq,
      target: p.target,
      targetAddr: target.addr,
      nack: true,
    });
    for (const h of helpers) this.sendMessages(h.addr, [req]);
    p.expectedNacks = helpers.length;
    this.counters.indirectProbes += helpers.length;
  }

  private onProbeFailed(p: PendingProbe): void {
    this.counters.probeFailures++;
    // Lifeguard: missing nacks mean our own links or CPU are the likely problem.
    const missing = p.expectedNacks > 0 ? Math.max(0, p.expectedNacks - p.nacks) : 1;
    this.awareness.apply(missing);
    const target = this.table.get(p.target);
    if (target && target.state !== 'dead' && target.state !== 'left') {
      this.onSuspect(target.actorId, target.incarnation, this.o.actorId);
    }
  }

  private onAck(seq: number, sender: ActorId): void {
    const p = this.probe;
    if (p && p.seq === seq) {
      if (p.acked) return;
      p.acked = true;
      this.awareness.apply(-1);
      const target = this.table.get(p.target);
      // Only a direct ack measures the path to the target; a relayed one went through a helper.
      if (target && sender === p.target)
        target.srttMs = smoothRtt(target.srttMs, this.o.clock.now() - p.startedMs);
      return;
    }
    const relay = this.relays.get(seq);
    if (relay && !relay.done) {
      relay.done = true;
      this.relays.delete(seq);
      this.sendMessages(relay.requesterAddr, [encodeMessage({ type: 'ack', seq: relay.requesterSeq })]);
    }
  }

  private onPingReq(seq: number, target: ActorId, targetAddr: string, wantNack: boolean, from: string): void {
    if (target === this.o.actorId) {
      // Asked to probe ourselves: answer directly, we are evidently alive.
      this.sendMessages(from, [encodeMessage({ type: 'ack', seq })]);
      return;
    }
    if (this.relays.size >= this.cfg.maxPendingIndirect) {
      this.counters.droppedRelayLimit++;
      return;
    }
    const mySeq = this.seq();
    this.relays.set(mySeq, { requesterAddr: from, requesterSeq: seq, wantNack, done: false });
    this.sendMessages(targetAddr, [encodeMessage({ type: 'ping', seq: mySeq, target })]);
    this.fx.schedule({ kind: 'relay-timeout', token: 0, seq: mySeq }, this.cfg.probeTimeoutMs);
  }

  private onRelayTimeout(seq: number): void {
    const relay = this.relays.get(seq);
    if (!relay) return;
    this.relays.delete(seq);
    if (!relay.done && relay.wantNack) {
      this.sendMessages(relay.requesterAddr, [encodeMessage({ type: 'nack', seq: relay.requesterSeq })]);
    }
  }

  // ---------------------------------------------------------------- state rules

  private onAlive(id: ActorId, addr: string, incarnation: number, meta: Meta): void {
    if (id === this.o.actorId) {
      if (this.leaving) return;
      const me = this.self;
      if (incarnation < me.incarnation) return;
      if (incarnation === me.incarnation && addr === me.addr && sameMeta(meta, me.meta)) return;
      this.refute(incarnation);
      return;
    }
    let r = this.table.get(id);
    if (!r) {
      if (this.table.size >= this.cfg.maxMembers) {
        this.counters.droppedMemberLimit++;
        return;
      }
      r = {
        actorId: id,
        addr,
        incarnation,
        state: 'alive',
        meta,
        stateChangedMs: this.o.clock.now(),
        srttMs: undefined,
      };
      this.table.add(r);
      this.memberQueue.push(id, encodeMessage({ type: 'alive', id, addr, incarnation, meta }));
      this.changed('up', r, undefined);
      return;
    }
    if (incarnation <= r.incarnation) return;
    this.suspicions.delete(id);
    const prev = r.state;
    const metaChanged = !sameMeta(meta, r.meta);
    r.incarnation = incarnation;
    r.addr = addr;
    r.meta = meta;
    this.memberQueue.push(id, encodeMessage({ type: 'alive', id, addr, incarnation, meta }));
    if (prev !== 'alive') {
      r.state = 'alive';
      r.stateChangedMs = this.o.clock.now();
      this.table.touched();
      this.changed('up', r, prev);
    } else if (metaChanged) {
      this.changed('updated', r, prev);
    }
  }

  private onSuspect(id: ActorId, incarnation: number, from: ActorId): void {
    const r = this.table.get(id);
    if (!r || incarnation < r.incarnation) return;
    const existing = this.suspicions.get(id);
    if (existing) {
      const remaining = existing.confirm(from, this.o.clock.now());
      if (remaining !== undefined) {
        existing.token = this.token();
        this.fx.schedule({ kind: 'suspicion', token: existing.token, id }, Math.max(0, remaining));
        this.memberQueue.push(id, encodeMessage({ type: 'suspect', id, incarnation, from }));
      }
      return;
    }
    if (r.state !== 'alive') return;
    if (id === this.o.actorId) {
      if (!this.leaving) this.refute(incarnation);
      return;
    }
    this.memberQueue.push(id, encodeMessage({ type: 'suspect', id, incarnation, from }));
    r.incarnation = incarnation;
    r.state = 'suspect';
    r.stateChangedMs = this.o.clock.now();
    this.table.touched();
    const n = this.table.liveCount();
    const minMs = suspicionTimeoutMs(this.cfg.suspicionMult, n, this.cfg.probeIntervalMs);
    const k = expectedConfirmations(this.cfg.suspicionMult, n);
    const s = new Suspicion(
      from,
      k,
      minMs,
      minMs * this.cfg.suspicionMaxTimeoutMult,
      r.stateChangedMs,
      this.token(),
    );
    this.suspicions.set(id, s);
    this.fx.schedule({ kind: 'suspicion', token: s.token, id }, s.initialTimeoutMs());
    this.changed('suspect', r, 'alive');
  }

  private onSuspicionTimeout(id: ActorId): void {
    this.suspicions.delete(id);
    const r = this.table.get(id);
    if (r?.state !== 'suspect') return;
    this.onDead(id, r.incarnation, this.o.actorId, false);
  }

  private onDead(id: ActorId, incarnation: number, from: ActorId, left: boolean): void {
    const r = this.table.get(id);
    if (!r || incarnation < r.incarnation) return;
    this.suspicions.delete(id);
    if (r.state === 'dead' || r.state === 'left') return;
    if (id === this.o.actorId) {
      if (!this.leaving) this.refute(incarnation);
      return;
    }
    const msg: Message = left ? { type: 'left', id, incarnation } : { type: 'dead', id, incarnation, from };
    this.memberQueue.push(id, encodeMessage(msg));
    const prev = r.state;
    r.incarnation = incarnation;
    r.state = left ? 'left' : 'dead';
    r.stateChangedMs = this.o.clock.now();
    this.table.touched();
    this.changed(left ? 'left' : 'down', r, prev);
  }

  private refute(incarnation: number): void {
    this.self.incarnation = Math.max(this.self.incarnation, incarnation) + 1;
    this.counters.refutations++;
    // Lifeguard: being suspected while alive hints that we are slow to answer.
    this.awareness.apply(1);
    this.queueAlive();
  }

  private queueAlive(): void {
    const s = this.self;
    this.memberQueue.push(
      s.actorId,
      encodeMessage({ type: 'alive', id: s.actorId, addr: s.addr, incarnation: s.incarnation, meta: s.meta }),
    );
  }

  private changed(kind: MemberChange['kind'], r: MemberRecord, previous: MemberState | undefined): void {
    this.fx.notify({ type: 'change', change: { kind, member: toInfo(r), previous } });
  }

  // ---------------------------------------------------------------- user broadcasts

  private onUserBroadcast(origin: ActorId, seq: number, payload: Uint8Array, raw: Uint8Array): void {
    if (origin === this.o.actorId) return;
    const key = `${origin}:${seq}`;
    if (!this.seen.add(key)) {
      this.counters.duplicateBroadcasts++;
      return;
    }
    if (this.cfg.relayBroadcasts && !this.userQueue.push(key, Uint8Array.from(raw)))
      this.counters.relaysDropped++;
    this.fx.notify({ type: 'message', from: origin, payload });
  }

  // ---------------------------------------------------------------- gossip, push-pull, join

  private gossip(): void {
    if (this.memberQueue.size === 0 && this.userQueue.size === 0) return;
    const now = this.o.clock.now();
    const candidates = [...this.table.liveOthers(), ...this.recentlyDead(now)];
    for (const t of pickRandom(this.o.rng, candidates, this.cfg.gossipNodes)) this.sendMessages(t.addr, []);
  }

  private recentlyDead(now: number): MemberRecord[] {
    const out: MemberRecord[] = [];
    if (this.cfg.gossipToTheDeadMs <= 0) return out;
    for (const r of this.table.all()) {
      if (r.state === 'dead' && now - r.stateChangedMs < this.cfg.gossipToTheDeadMs) out.push(r);
    }
    return out;
  }

  private onPushPullTick(): void {
    const now = this.o.clock.now();
    const candidates: MemberRecord[] = [];
    for (const r of [...this.table.all()]) {
      if (r.actorId === this.o.actorId) continue;
      if ((r.state === 'dead' || r.state === 'left') && now - r.stateChangedMs > this.cfg.deadRetentionMs) {
        this.table.delete(r.actorId);
        this.memberQueue.remove(r.actorId);
        continue;
      }
      // Dead members are candidates too: that is how the two sides of a healed partition meet.
      if (r.state !== 'left') candidates.push(r);
    }
    if (!this.leaving) {
      const [target] = pickRandom(this.o.rng, candidates, 1);
      if (target) this.sendPushPull(target.addr, false, true, this.nextSession++ >>> 0);
      if (this.table.liveOthers().length === 0) this.startJoin();
    }
    const interval = pushPullIntervalMs(this.cfg.pushPullIntervalMs, this.table.liveCount());
    this.fx.schedule({ kind: 'push-pull', token: this.pushPullToken }, interval);
  }

  private onPushPull(
    session: number,
    chunk: number,
    reply: boolean,
    entries: readonly MemberEntry[],
    from: string,
  ): void {
    for (const e of entries) {
      if (e.state === 'alive') this.onAlive(e.id, e.addr, e.incarnation, e.meta);
      else if (e.state === 'left') this.onDead(e.id, e.incarnation, e.id, true);
      // A remote death becomes a local suspicion, so the member gets a chance to refute.
      else this.onSuspect(e.id, e.incarnation, this.o.actorId);
    }
    if (reply && chunk === 0 && !this.leaving) this.sendPushPull(from, false, false, session);
  }

  private sendPushPull(addr: string, join: boolean, reply: boolean, session: number): void {
    const entries: MemberEntry[] = [];
    for (const r of this.table.all()) {
      entries.push({ id: r.actorId, addr: r.addr, incarnation: r.incarnation, state: r.state, meta: r.meta });
    }
    const headerBytes = 24;
    const chunks = chunkEntries(entries, this.bodyBudget - headerBytes - 8, entryCostBytes);
    chunks.forEach((c, i) => {
      this.sendMessages(
        addr,
        [encodeMessage({ type: 'push-pull', session, chunk: i, join, reply, entries: c })],
        false,
      );
    });
  }

  private startJoin(): void {
    if (this.joining || this.o.bootstrap.length === 0) return;
    this.joining = true;
    this.joinAttempt(0);
  }

  private joinAttempt(attempt: number): void {
    if (this.table.liveOthers().length > 0 || this.leaving) {
      this.joining = false;
      return;
    }
    for (const addr of this.o.bootstrap) {
      if (addr !== this.o.addr) this.sendPushPull(addr, true, true, this.nextSession++ >>> 0);
    }
    const base = Math.min(this.cfg.joinRetryMaxMs, this.cfg.joinRetryBaseMs * 2 ** Math.min(attempt, 30));
    this.joinToken = this.token();
    this.fx.schedule(
      { kind: 'join', token: this.joinToken, attempt: attempt + 1 },
      base * (0.5 + 0.5 * this.o.rng.next()),
    );
  }

  // ---------------------------------------------------------------- packets out

  /**
   * Sends `primary` messages to `to` in one packet, filling the room left with queued
   * broadcasts (member news first, then user broadcasts) when `fill` is set. Sends nothing when
   * there is nothing to send.
   */
  private sendMessages(to: string, primary: Uint8Array[], fill = true): void {
    let budget = this.bodyBudget;
    for (const p of primary) budget -= messageCostBytes(p.length);
    const msgs = primary;
    if (fill) {
      const limit = retransmitLimit(this.cfg.retransmitMult, this.table.liveCount());
      for (const q of [this.memberQueue, this.userQueue]) {
        if (budget < 8 || q.size === 0) continue;
        for (const b of q.take(budget, limit, messageCostBytes)) {
          msgs.push(b);
          budget -= messageCostBytes(b.length);
        }
      }
    }
    if (msgs.length === 0) return;
    const packet = this.o.sealer.seal(encodeEnvelope(this.o.clusterName, this.selfBytes, msgs));
    this.counters.packetsOut++;
    this.counters.bytesOut += packet.length;
    this.counters.messagesOut += msgs.length;
    this.fx.send(to, packet);
  }

  private seq(): number {
    const s = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) >>> 0 || 1;
    return s;
  }

  private token(): number {
    return this.nextToken++;
  }
}

/** Upper bound of one push-pull entry's encoded size. */
function entryCostBytes(e: MemberEntry): number {
  let meta = 3;
  for (const [k, v] of Object.entries(e.meta)) meta += Buffer.byteLength(k) + Buffer.byteLength(v) + 6;
  const addr = Buffer.byteLength(e.addr);
  return 1 + 18 + strHeaderBytes(addr) + addr + 5 + 1 + meta + 3;
}

function sameMeta(a: Meta, b: Meta): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
