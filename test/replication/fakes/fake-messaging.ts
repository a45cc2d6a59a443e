import type { MemberInfo, MembershipMessaging } from '../../../src/membership/messaging.js';
import { type Rng, sample } from '../../../src/runtime/rng.js';
import type { VirtualScheduler } from '../../../src/runtime/virtual-scheduler.js';
import type { ActorId } from '../../../src/store/types.js';

/** Faults of the fake network. */
export interface FakeFaults {
  loss: number;
  duplicate: number;
  /** Extra random delay up to this many ms (reorders messages). */
  jitterMs: number;
}

interface Queued {
  payload: Uint8Array;
  key: string | undefined;
  remaining: number;
}

/**
 * A stand-in for membership's messaging in virtual time: `broadcast` is a transmit-limited
 * queue gossiped every 200 ms to 3 random members; `sendTo` is one datagram. Loss,
 * duplication and jitter apply to every datagram.
 */
export class FakeMessagingNet {
  readonly nodes = new Map<ActorId, FakeMessaging>();
  faults: FakeFaults = { loss: 0, duplicate: 0, jitterMs: 0 };
  latencyMs = 5;
  datagrams = 0;
  bytes = 0;
  /** Pairs that cannot talk (partition), as "a|b" keys. */
  readonly cut = new Set<string>();

  constructor(
    readonly scheduler: VirtualScheduler,
    readonly rng: Rng,
    readonly maxPayloadBytes = 1200,
  ) {}

  add(actorId: ActorId): FakeMessaging {
    const m = new FakeMessaging(this, actorId);
    this.nodes.set(actorId, m);
    return m;
  }

  canReach(a: ActorId, b: ActorId): boolean {
    const na = this.nodes.get(a);
    const nb = this.nodes.get(b);
    return !!na?.up && !!nb?.up && !this.cut.has(`${a}|${b}`) && !this.cut.has(`${b}|${a}`);
  }

  deliver(from: ActorId, to: ActorId, payload: Uint8Array): void {
    this.datagrams++;
    this.bytes += payload.length;
    if (!this.canReach(from, to)) return;
    if (this.rng.next() < this.faults.loss) return;
    const copies = this.rng.next() < this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.latencyMs + this.rng.next() * this.faults.jitterMs;
      this.scheduler.after(delay, () => {
        const target = this.nodes.get(to);
        if (target?.up && this.canReach(from, to)) target.handler(from, payload);
      });
    }
  }
}

/** One node's fake messaging. */
export class FakeMessaging implements MembershipMessaging {
  up = true;
  handler: (from: ActorId, payload: Uint8Array) => void = () => {};
  private queue: Queued[] = [];
  readonly maxPayloadBytes: number;
  private tickScheduled = false;

  constructor(
    private readonly net: FakeMessagingNet,
    readonly actorId: ActorId,
  ) {
    this.maxPayloadBytes = net.maxPayloadBytes;
  }

  broadcast(payload: Uint8Array, key?: string): boolean {
    if (payload.length > this.maxPayloadBytes || this.queue.length >= 1024) return false;
    if (key !== undefined) this.queue = this.queue.filter((q) => q.key !== key);
    const n = this.net.nodes.size;
    this.queue.push({ payload, key, remaining: 4 * Math.ceil(Math.log10(n + 1)) });
    this.scheduleTick();
    return true;
  }

  sendTo(actorId: ActorId, payload: Uint8Array): boolean {
    if (payload.length > this.maxPayloadBytes || !this.net.nodes.get(actorId)?.up) return false;
    this.net.deliver(this.actorId, actorId, payload);
    return true;
  }

  onMessage(handler: (from: ActorId, payload: Uint8Array) => void): void {
    this.handler = handler;
  }

  members(): MemberInfo[] {
    return [...this.net.nodes.values()].map((m) => ({
      actorId: m.actorId,
      addr: `fake:${m.actorId.slice(0, 6)}`,
      state: m.up ? 'alive' : 'dead',
      incarnation: 0,
      meta: {},
    }));
  }

  rttMs(actorId: ActorId): number | undefined {
    return actorId === this.actorId ? undefined : 2 * this.net.latencyMs;
  }

  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    this.net.scheduler.after(200, () => {
      this.tickScheduled = false;
      if (!this.up) {
        this.queue = [];
        return;
      }
      const peers = sample(
        this.net.rng,
        [...this.net.nodes.keys()].filter((a) => a !== this.actorId),
        3,
      );
      for (const q of this.queue) {
        for (const p of peers) this.net.deliver(this.actorId, p, q.payload);
        q.remaining--;
      }
      this.queue = this.queue.filter((q) => q.remaining > 0);
      if (this.queue.length > 0) this.scheduleTick();
    });
  }
}
