import type { Clock } from '../runtime/clock.js';
import type { ActorId } from '../store/types.js';
import type { Awareness } from './awareness.js';
import type { MembershipConfig } from './config.js';
import type { CoreNotification, MemberChange } from './core-types.js';
import { internMeta, internString } from './intern.js';
import { type MemberRecord, type MemberTable, toInfo } from './member-table.js';
import { encodeMessage, type MemberEntry, type Message, type Meta } from './messages.js';
import type { MemberState } from './messaging.js';
import type { MembershipCounters } from './metrics.js';
import { expectedConfirmations, Suspicion, suspicionTimeoutMs } from './suspicion.js';
import type { MembershipTimer } from './timers.js';
import type { TransmitQueue } from './transmit-queue.js';

/** What the state rules need from the core. */
export interface MemberStatesHost {
  readonly cfg: MembershipConfig;
  readonly clock: Clock;
  readonly counters: MembershipCounters;
  readonly awareness: Awareness;
  /** Transmit queue of member news (keyed by member id). */
  readonly queue: TransmitQueue;
  isLeaving(): boolean;
  schedule(timer: MembershipTimer, delayMs: number): void;
  notify(n: CoreNotification): void;
  token(): number;
}

/**
 * SWIM's state rules with incarnation numbers (memberlist aliveNode / suspectNode / deadNode):
 * what an alive, suspect, dead or left claim does to the member table, when this node
 * refutes, and which news is re-gossiped. Also runs the Lifeguard suspicion timers.
 */
export class MemberStates {
  private readonly suspicions = new Map<ActorId, Suspicion>();

  constructor(
    private readonly h: MemberStatesHost,
    readonly table: MemberTable,
    readonly self: MemberRecord,
  ) {}

  /** Suspicions running (for tests and metrics). */
  suspicion(id: ActorId): Suspicion | undefined {
    return this.suspicions.get(id);
  }

  /** An alive claim. Newer incarnations win; a claim about this node that differs is refuted. */
  alive(id: ActorId, addr: string, incarnation: number, meta: Meta): void {
    const h = this.h;
    if (id === this.self.actorId) {
      if (h.isLeaving()) return;
      const me = this.self;
      if (incarnation < me.incarnation) return;
      if (incarnation === me.incarnation && addr === me.addr && sameMeta(meta, me.meta)) return;
      this.refute(incarnation);
      return;
    }
    let r = this.table.get(id);
    if (!r) {
      if (this.table.size >= h.cfg.maxMembers) {
        h.counters.droppedMemberLimit++;
        return;
      }
      r = this.table.add({
        actorId: internString(id),
        addr: internString(addr),
        incarnation,
        state: 'alive',
        meta: internMeta(meta),
        stateChangedMs: h.clock.now(),
        srttMs: undefined,
      });
      h.queue.push(id, encodeMessage({ type: 'alive', id, addr, incarnation, meta }));
      this.changed('up', r, undefined);
      return;
    }
    if (incarnation <= r.incarnation) return;
    this.suspicions.delete(id);
    const prev = r.state;
    const metaChanged = !sameMeta(meta, r.meta);
    r.incarnation = incarnation;
    r.addr = internString(addr);
    r.meta = internMeta(meta);
    h.queue.push(id, encodeMessage({ type: 'alive', id, addr, incarnation, meta }));
    if (prev !== 'alive') {
      r.state = 'alive';
      r.stateChangedMs = h.clock.now();
      this.table.touched(r);
      this.changed('up', r, prev);
    } else {
      this.table.touched(r);
      if (metaChanged) this.changed('updated', r, prev);
    }
  }

  /**
   * A suspect claim by `from`. Confirms a running suspicion (Lifeguard: shortens its timeout),
   * or starts one for an alive member, or makes this node refute.
   */
  suspect(id: ActorId, incarnation: number, from: ActorId): void {
    const h = this.h;
    const r = this.table.get(id);
    if (!r || incarnation < r.incarnation) return;
    const existing = this.suspicions.get(id);
    if (existing) {
      const remaining = existing.confirm(from, h.clock.now());
      if (remaining !== undefined) {
        existing.token = h.token();
        h.schedule({ kind: 'suspicion', token: existing.token, id }, Math.max(0, remaining));
        // Re-gossip new confirmations so that they reach every other suspecter too.
        h.queue.push(id, encodeMessage({ type: 'suspect', id, incarnation, from }));
      }
      return;
    }
    if (r.state !== 'alive') return;
    if (id === this.self.actorId) {
      if (!h.isLeaving()) this.refute(incarnation);
      return;
    }
    h.queue.push(id, encodeMessage({ type: 'suspect', id, incarnation, from }));
    r.incarnation = incarnation;
    r.state = 'suspect';
    r.stateChangedMs = h.clock.now();
    this.table.touched(r);
    const n = this.table.liveCount();
    const minMs = suspicionTimeoutMs(h.cfg.suspicionMult, n, h.cfg.probeIntervalMs);
    const k = expectedConfirmations(h.cfg.suspicionMult, n);
    const s = new Suspicion(
      from,
      k,
      minMs,
      minMs * h.cfg.suspicionMaxTimeoutMult,
      r.stateChangedMs,
      h.token(),
    );
    this.suspicions.set(id, s);
    h.schedule({ kind: 'suspicion', token: s.token, id }, s.initialTimeoutMs());
    this.changed('suspect', r, 'alive');
  }

  /** A suspicion timer fired; stale tokens are ignored. */
  suspicionTimeout(id: ActorId, token: number): void {
    const s = this.suspicions.get(id);
    if (!s || s.token !== token) return;
    this.suspicions.delete(id);
    const r = this.table.get(id);
    if (r?.state !== 'suspect') return;
    this.dead(id, r.incarnation, this.self.actorId, false);
  }

  /** A dead claim (`left` when the member announced it itself). */
  dead(id: ActorId, incarnation: number, from: ActorId, left: boolean): void {
    const h = this.h;
    const r = this.table.get(id);
    if (!r || incarnation < r.incarnation) return;
    this.suspicions.delete(id);
    if (r.state === 'dead' || r.state === 'left') return;
    if (id === this.self.actorId) {
      if (!h.isLeaving()) this.refute(incarnation);
      return;
    }
    const msg: Message = left ? { type: 'left', id, incarnation } : { type: 'dead', id, incarnation, from };
    h.queue.push(id, encodeMessage(msg));
    const prev = r.state;
    r.incarnation = incarnation;
    r.state = left ? 'left' : 'dead';
    r.stateChangedMs = h.clock.now();
    this.table.touched(r);
    this.changed(left ? 'left' : 'down', r, prev);
  }

  /**
   * Merges a push-pull entry. A remote death becomes a local suspicion (memberlist mergeState),
   * so the member gets a chance to refute before this node declares it dead itself.
   */
  merge(e: MemberEntry): void {
    if (e.state === 'alive') this.alive(e.id, e.addr, e.incarnation, e.meta);
    else if (e.state === 'left') this.dead(e.id, e.incarnation, e.id, true);
    else this.suspect(e.id, e.incarnation, this.self.actorId);
  }

  /**
   * When a suspect or dead claim about `id` carries an incarnation older than ours, the sender
   * holds a stale view (it missed a refutation: gossip reaches almost, not quite, every member).
   * Returns our newer news about `id` to send back to it, or undefined. Without this, a member
   * that missed a refutation would keep suspecting at the old incarnation, which the suspected
   * member ignores, and declare it dead.
   */
  newerNews(id: ActorId, incarnation: number): Uint8Array | undefined {
    const r = this.table.get(id);
    if (!r || r.incarnation <= incarnation) return undefined;
    if (r.state === 'alive') {
      return encodeMessage({ type: 'alive', id, addr: r.addr, incarnation: r.incarnation, meta: r.meta });
    }
    if (r.state === 'left') return encodeMessage({ type: 'left', id, incarnation: r.incarnation });
    const from = this.self.actorId;
    const type = r.state === 'dead' ? 'dead' : 'suspect';
    return encodeMessage({ type, id, incarnation: r.incarnation, from });
  }

  /** Queues this node's current alive message. */
  queueAlive(): void {
    const s = this.self;
    this.h.queue.push(
      s.actorId,
      encodeMessage({ type: 'alive', id: s.actorId, addr: s.addr, incarnation: s.incarnation, meta: s.meta }),
    );
  }

  private refute(incarnation: number): void {
    this.self.incarnation = Math.max(this.self.incarnation, incarnation) + 1;
    this.table.touched(this.self);
    this.h.counters.refutations++;
    // Lifeguard: being suspected while alive hints that this node is slow to answer.
    this.h.awareness.apply(1);
    this.queueAlive();
  }

  private changed(kind: MemberChange['kind'], r: MemberRecord, previous: MemberState | undefined): void {
    this.h.notify({ type: 'change', change: { kind, member: toInfo(r), previous } });
  }
}

/** Whether two metadata maps are equal. */
export function sameMeta(a: Meta, b: Meta): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
