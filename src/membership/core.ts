import type { Clock } from '../runtime/clock.js';
import type { Rng } from '../runtime/rng.js';
import type { ActorId } from '../store/types.js';
import { EnvelopeReader } from '../transport/envelope-reader.js';
import { EnvelopeWriter } from '../transport/envelope-writer.js';
import type { Sealer } from '../transport/seal.js';
import {
  decodeEnvelope,
  envelopeOverheadBytes,
  messageCostBytes,
  strHeaderBytes,
} from '../transport/wire-codec.js';
import { actorIdToBytes } from './actor-id.js';
import { Awareness } from './awareness.js';
import type { MembershipConfig } from './config.js';
import type { CoreEffects } from './core-types.js';
import { digestBucketBits } from './digest.js';
import {
  bucketEntries,
  chunkBuckets,
  DIGEST_MAX_ENTRIES,
  mismatchingBuckets,
  toEntry,
} from './digest-exchange.js';
import { internActorId } from './intern.js';
import { MemberStates } from './member-states.js';
import { type MemberRecord, MemberTable, pickRandom, toInfo } from './member-table.js';
import {
  decodeMessageIn,
  encodeMessage,
  MAX_DIGESTS_PER_MESSAGE,
  type MemberEntry,
  type Message,
  type Meta,
} from './messages.js';
import type { MemberInfo } from './messaging.js';
import { type MembershipCounters, newCounters } from './metrics.js';
import { Prober } from './prober.js';
import { chunkEntries } from './push-pull.js';
import { SeenSet } from './seen-set.js';
import type { MembershipTimer } from './timers.js';
import { retransmitLimit, TransmitQueue } from './transmit-queue.js';

export type { CoreEffects, CoreNotification, MemberChange } from './core-types.js';

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

// Room kept free in a packet beyond the exact message costs, for the user message framing.
const USER_FRAMING_BYTES = 40;
// Push-pull message header (code, session, chunk, flags, array header), upper bound.
const PUSH_PULL_HEADER_BYTES = 32;

/**
 * The SWIM + Lifeguard protocol as a pure state machine (foca's shape). Inputs:
 * {@link handlePacket}, {@link handleTimer} and the local commands; outputs only through
 * {@link CoreEffects} (`send`, `schedule`, `notify`). Time and randomness come from the
 * injected clock and rng. Never throws for peer input: bad packets are dropped and counted.
 *
 * The concepts live in their own files: member-states (state rules, suspicion), prober
 * (probe, ping-req, awareness), transmit-queue (piggybacked dissemination), push-pull,
 * messages (codec), and this file wires them to packets and timers.
 */
export class MembershipCore {
  readonly counters: MembershipCounters = newCounters();
  readonly table: MemberTable;
  readonly awareness: Awareness;
  readonly states: MemberStates;
  /** Largest user payload, bytes. */
  readonly maxPayloadBytes: number;
  private readonly cfg: MembershipConfig;
  private readonly self: MemberRecord;
  private readonly envelope: EnvelopeWriter;
  private readonly envelopeReader: EnvelopeReader;
  private readonly bodyBudget: number;
  /** Digests per digest message: {@link MAX_DIGESTS_PER_MESSAGE}, fewer if packets are smaller. */
  private readonly digestsPerMessage: number;
  private readonly memberQueue: TransmitQueue;
  private readonly userQueue: TransmitQueue;
  private readonly seen: SeenSet;
  private readonly prober: Prober;
  private nextSeq = 1;
  private nextToken = 1;
  private nextSession = 1;
  private broadcastSeq = 0;
  private probeToken = 0;
  private gossipToken = 0;
  private pushPullToken = 0;
  /** Session of the last digest this node sent: only answers to it are answered back. */
  private digestSession = -1;
  /** The last (peer, session, direction) answered with a full push-pull, so it is sent once. */
  private fullFallbackKey = '';
  private joinToken = 0;
  private joining = false;
  private leaving = false;
  private stopped = false;

  constructor(
    private readonly o: CoreOptions,
    private readonly fx: CoreEffects,
  ) {
    const cfg = o.config;
    this.cfg = cfg;
    this.table = new MemberTable(o.actorId);
    this.awareness = new Awareness(cfg.awarenessMaxMultiplier);
    this.envelope = new EnvelopeWriter(o.clusterName, actorIdToBytes(o.actorId));
    this.envelopeReader = new EnvelopeReader(o.clusterName);
    const clusterBytes = Buffer.byteLength(o.clusterName, 'utf8');
    this.bodyBudget = cfg.maxPacketBytes - o.sealer.overheadBytes - envelopeOverheadBytes(clusterBytes);
    this.maxPayloadBytes = this.bodyBudget - USER_FRAMING_BYTES;
    const digestRoom = Math.floor((this.bodyBudget - PUSH_PULL_HEADER_BYTES) / 4);
    this.digestsPerMessage = Math.max(1, Math.min(MAX_DIGESTS_PER_MESSAGE, digestRoom));
    // Member news is keyed by member id, so the table bound also bounds this queue.
    this.memberQueue = new TransmitQueue(cfg.maxMembers + 16, Number.MAX_SAFE_INTEGER);
    this.userQueue = new TransmitQueue(cfg.maxQueuedBroadcasts, cfg.maxQueuedBroadcastBytes);
    this.seen = new SeenSet(cfg.seenBroadcastsCapacity);
    this.self = this.table.add({
      actorId: o.actorId,
      addr: o.addr,
      incarnation: 0,
      state: 'alive',
      meta: o.meta,
      stateChangedMs: o.clock.now(),
      srttMs: undefined,
    });
    const host = {
      cfg,
      clock: o.clock,
      rng: o.rng,
      counters: this.counters,
      awareness: this.awareness,
      queue: this.memberQueue,
      self: o.actorId,
      isLeaving: () => this.leaving,
      schedule: (t: MembershipTimer, ms: number) => fx.schedule(t, ms),
      notify: fx.notify,
      token: () => this.nextToken++,
      send: (to: string, msgs: Uint8Array[]) => this.sendMessages(to, msgs),
      nextSeq: () => this.seq(),
    };
    this.states = new MemberStates(host, this.table, this.self);
    this.prober = new Prober({ ...host, states: this.states });
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
    this.states.queueAlive();
    this.probeToken = this.nextToken++;
    this.fx.schedule({ kind: 'probe', token: this.probeToken }, r.next() * this.cfg.probeIntervalMs);
    this.gossipToken = this.nextToken++;
    this.fx.schedule({ kind: 'gossip', token: this.gossipToken }, r.next() * this.cfg.gossipIntervalMs);
    if (this.cfg.pushPullIntervalMs > 0) {
      this.pushPullToken = this.nextToken++;
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

  /** Queues a user broadcast; false when too large, stopped, or the queue is at its bound. */
  broadcast(payload: Uint8Array, key?: string): boolean {
    if (this.stopped || payload.length > this.maxPayloadBytes) {
      this.counters.broadcastsRefused++;
      return false;
    }
    this.broadcastSeq = (this.broadcastSeq + 1) >>> 0;
    const seq = this.broadcastSeq;
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

  /** Replaces this node's metadata (the caller validated it) and announces it with a new incarnation. */
  setMeta(meta: Meta): void {
    this.self.meta = meta;
    this.self.incarnation++;
    this.table.touched(this.self);
    this.states.queueAlive();
  }

  /** Starts a graceful leave; notifies `leave-done` after `leaveWaitMs`. */
  leave(): void {
    if (this.leaving || this.stopped) return;
    this.leaving = true;
    this.prober.cancel();
    this.self.state = 'left';
    this.self.stateChangedMs = this.o.clock.now();
    this.table.touched(this.self);
    const msg = { type: 'left', id: this.o.actorId, incarnation: this.self.incarnation } as const;
    this.memberQueue.push(this.o.actorId, encodeMessage(msg));
    this.gossip();
    this.fx.schedule({ kind: 'leave-done', token: this.nextToken++ }, this.cfg.leaveWaitMs);
  }

  // ---------------------------------------------------------------- inputs

  /** Handles one datagram. Never throws for any input. */
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
    const body = opened.body;
    const spans = this.envelopeReader.read(body);
    if (spans) {
      // The canonical form (every packet this code writes): messages as spans of the body.
      const sender = internActorId(body, spans[0] as number);
      if (!this.acceptSender(sender, (spans.length - 1) / 2)) return;
      for (let i = 1; i < spans.length; i += 2)
        this.onMessage(body, spans[i] as number, spans[i + 1] as number, from, sender);
      return;
    }
    const env = decodeEnvelope(body, this.o.clusterName);
    if (!env.ok) {
      if (env.reason === 'cluster') c.droppedWrongCluster++;
      else c.droppedDecode++;
      return;
    }
    const sender = internActorId(env.envelope.sender);
    if (!this.acceptSender(sender, env.envelope.messages.length)) return;
    for (const raw of env.envelope.messages) this.onMessage(raw, 0, raw.length, from, sender);
  }

  /**
   * Whether a packet from `sender` with `count` messages is worth reading. Our own packets (a
   * bootstrap address that is ourselves) and empty packets are never sent by a correct peer.
   */
  private acceptSender(sender: ActorId, count: number): boolean {
    if (sender === this.o.actorId || count === 0) {
      this.counters.droppedInvalid++;
      return false;
    }
    return true;
  }

  /** Decodes, counts and dispatches the message `buf[start, end)`. */
  private onMessage(buf: Uint8Array, start: number, end: number, from: string, sender: ActorId): void {
    const d = decodeMessageIn(buf, start, end, this.cfg.maxMetaBytes);
    if (!d.ok) {
      if (d.reason === 'decode') this.counters.droppedDecode++;
      else this.counters.droppedInvalid++;
      return;
    }
    this.counters.messagesIn++;
    this.dispatch(d.message, buf, start, end, from, sender);
  }

  /** Handles a timer handed back by the driver. Stale timers are ignored. */
  handleTimer(t: MembershipTimer): void {
    if (this.stopped) return;
    switch (t.kind) {
      case 'probe':
        if (t.token !== this.probeToken) return;
        this.prober.tick(!this.leaving);
        this.fx.schedule(t, this.awareness.scale(this.cfg.probeIntervalMs));
        return;
      case 'probe-timeout':
        this.prober.timeout(t.seq);
        return;
      case 'relay-timeout':
        this.prober.relayTimeout(t.seq);
        return;
      case 'suspicion':
        this.states.suspicionTimeout(t.id, t.token);
        return;
      case 'gossip':
        if (t.token !== this.gossipToken) return;
        this.gossip();
        this.fx.schedule(t, this.cfg.gossipIntervalMs);
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

  /** `buf[start, end)` are the message's bytes (relayed as they are, for user broadcasts). */
  private dispatch(
    m: Message,
    buf: Uint8Array,
    start: number,
    end: number,
    from: string,
    sender: ActorId,
  ): void {
    switch (m.type) {
      case 'ping':
        if (m.target !== this.o.actorId) {
          this.counters.droppedInvalid++;
          return;
        }
        this.sendMessages(from, [encodeMessage({ type: 'ack', seq: m.seq })]);
        return;
      case 'ping-req':
        this.prober.pingReq(m.seq, m.target, m.targetAddr, m.nack, from);
        return;
      case 'ack':
        this.prober.ack(m.seq, sender);
        return;
      case 'nack':
        this.prober.nack(m.seq);
        return;
      case 'alive':
        this.states.alive(m.id, m.addr, m.incarnation, m.meta);
        return;
      case 'suspect':
        this.correctStale(m.id, m.incarnation, from);
        this.states.suspect(m.id, m.incarnation, m.from);
        return;
      case 'dead':
        this.correctStale(m.id, m.incarnation, from);
        this.states.dead(m.id, m.incarnation, m.from, false);
        return;
      case 'left':
        this.states.dead(m.id, m.incarnation, m.id, true);
        return;
      case 'push-pull':
        for (const e of m.entries) this.states.merge(e);
        if (m.reply && m.chunk === 0 && !this.leaving) this.sendPushPull(from, false, false, m.session);
        return;
      case 'digest':
        if (this.leaving) return;
        this.answerBuckets(
          from,
          m.session,
          m.bucketBits,
          mismatchingBuckets(this.table.digest.fold(m.bucketBits), m.first, m.digests),
          true,
        );
        return;
      case 'digest-entries':
        for (const e of m.entries) this.states.merge(e);
        if (m.reply && m.session === this.digestSession && !this.leaving) {
          this.answerBuckets(from, m.session, m.bucketBits, m.buckets, false);
        }
        return;
      case 'user-broadcast':
        this.onUserBroadcast(m.origin, m.seq, m.payload, buf.subarray(start, end));
        return;
      case 'user-direct':
        this.fx.notify({ type: 'message', from: sender, payload: m.payload });
        return;
    }
  }

  /** Answers a claim at an old incarnation with our newer news, straight to its sender. */
  private correctStale(id: ActorId, incarnation: number, from: string): void {
    const newer = this.states.newerNews(id, incarnation);
    if (newer) this.sendMessages(from, [newer], false);
  }

  private onUserBroadcast(origin: ActorId, seq: number, payload: Uint8Array, raw: Uint8Array): void {
    if (origin === this.o.actorId) return;
    const key = `${origin}:${seq}`;
    if (!this.seen.add(key)) {
      this.counters.duplicateBroadcasts++;
      return;
    }
    // Relay the exact bytes received: encoded once by the origin, never re-encoded.
    if (this.cfg.relayBroadcasts && !this.userQueue.push(key, Uint8Array.from(raw)))
      this.counters.relaysDropped++;
    this.fx.notify({ type: 'message', from: origin, payload });
  }

  // ---------------------------------------------------------------- gossip, push-pull, join

  private gossip(): void {
    if (this.memberQueue.size === 0 && this.userQueue.size === 0) return;
    const live = this.table.liveOthers();
    const dead = this.recentlyDead(this.o.clock.now());
    const candidates = dead.length === 0 ? live : [...live, ...dead];
    for (const t of pickRandom(this.o.rng, candidates, this.cfg.gossipNodes)) this.sendMessages(t.addr, []);
  }

  /** Dead members within `gossipToTheDeadMs`: still gossiped to, so they learn and refute. */
  private recentlyDead(now: number): readonly MemberRecord[] {
    const dead = this.table.deadOthers();
    if (dead.length === 0 || this.cfg.gossipToTheDeadMs <= 0) return [];
    return dead.filter((r) => now - r.stateChangedMs < this.cfg.gossipToTheDeadMs);
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
      if (target) this.sendDigest(target.addr);
      if (this.table.liveOthers().length === 0) this.startJoin();
    }
    // Unscaled: a digest round costs a few small packets whatever the cluster size.
    this.fx.schedule({ kind: 'push-pull', token: this.pushPullToken }, this.cfg.pushPullIntervalMs);
  }

  /** Starts a digest-gated push-pull: this node's bucket digests, folded to suit its view size. */
  private sendDigest(addr: string): void {
    const bits = digestBucketBits(this.table.liveCount());
    const session = this.nextSession++ >>> 0;
    this.digestSession = session;
    const folded = this.table.digest.fold(bits);
    const per = this.digestsPerMessage;
    for (let first = 0; first < folded.length; first += per) {
      const digests = folded.subarray(first, first + per);
      this.sendMessages(
        addr,
        [encodeMessage({ type: 'digest', session, bucketBits: bits, first, digests })],
        false,
      );
    }
  }

  /**
   * Sends this node's entries of `buckets` (of `2^bits`) to `addr`, `reply` asking for the
   * peer's back. Beyond {@link DIGEST_MAX_ENTRIES} entries a full push-pull goes instead, once
   * per session and direction.
   */
  private answerBuckets(
    addr: string,
    session: number,
    bits: number,
    buckets: readonly number[],
    reply: boolean,
  ): void {
    if (buckets.length === 0) return;
    const groups = bucketEntries(this.table.all(), bits, buckets, DIGEST_MAX_ENTRIES);
    if (!groups) {
      const key = `${addr}/${session}/${reply}`;
      if (key === this.fullFallbackKey) return;
      this.fullFallbackKey = key;
      this.counters.digestFullFallbacks++;
      this.sendPushPull(addr, false, reply, session);
      return;
    }
    const budget = this.bodyBudget - PUSH_PULL_HEADER_BYTES;
    for (const c of chunkBuckets(buckets, groups, budget, entryCostBytes)) {
      const msg = { type: 'digest-entries', session, bucketBits: bits, reply, ...c } as const;
      this.sendMessages(addr, [encodeMessage(msg)], false);
    }
  }

  private sendPushPull(addr: string, join: boolean, reply: boolean, session: number): void {
    const entries: MemberEntry[] = [];
    for (const r of this.table.all()) entries.push(toEntry(r));
    const chunks = chunkEntries(entries, this.bodyBudget - PUSH_PULL_HEADER_BYTES, entryCostBytes);
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

  /** Push-pull with every bootstrap address until some other member is known; backoff with jitter. */
  private joinAttempt(attempt: number): void {
    if (this.table.liveOthers().length > 0 || this.leaving) {
      this.joining = false;
      return;
    }
    for (const addr of this.o.bootstrap) {
      if (addr !== this.o.addr) this.sendPushPull(addr, true, true, this.nextSession++ >>> 0);
    }
    const base = Math.min(this.cfg.joinRetryMaxMs, this.cfg.joinRetryBaseMs * 2 ** Math.min(attempt, 30));
    this.joinToken = this.nextToken++;
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
    const packet = this.o.sealer.seal(this.envelope.encode(msgs));
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
}

/** Upper bound of one push-pull entry's encoded size. */
function entryCostBytes(e: MemberEntry): number {
  let meta = 3;
  for (const [k, v] of Object.entries(e.meta)) meta += Buffer.byteLength(k) + Buffer.byteLength(v) + 6;
  const addr = Buffer.byteLength(e.addr);
  return 1 + 18 + strHeaderBytes(addr) + addr + 5 + 1 + meta + 3;
}
