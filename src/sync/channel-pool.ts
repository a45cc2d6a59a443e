import type { Runtime } from '../runtime/runtime.js';
import type { TimerHandle } from '../runtime/scheduler.js';
import type { ActorId } from '../store/types.js';
import type { Channel, ChannelFactory } from '../transport/channel.js';

/** Channel pool settings. */
export interface ChannelPoolConfig {
  /** Most open channels (in and out). At the bound the least recently used idle one is closed; if none is idle a new one is refused. */
  readonly maxChannels: number;
  /** A channel unused for this long (ms) is closed. */
  readonly channelIdleMs: number;
}

interface Entry {
  channel: Channel;
  lastUsed: number;
  /** Sessions currently using the channel (it is not idle while > 0). */
  users: number;
}

/**
 * Keeps at most one open channel per peer and reuses it for every session with that peer,
 * in either direction. Channels unused for `channelIdleMs` are closed; concurrent opens to
 * one peer share a single attempt.
 */
export class ChannelPool {
  private readonly entries = new Map<ActorId, Entry>();
  private readonly opening = new Map<ActorId, ((ch: Channel | undefined) => void)[]>();
  private sweepTimer: TimerHandle | undefined;
  private closed = false;
  /** Channels this node opened (the others were opened by the peer). */
  private readonly outgoing = new WeakSet<Channel>();

  constructor(
    private readonly self: ActorId,
    private readonly factory: ChannelFactory,
    private readonly runtime: Runtime,
    private readonly config: ChannelPoolConfig,
    /** Called for every channel added to the pool, to install its message handler. */
    private readonly attach: (channel: Channel) => void,
    /** Called when a pooled channel closes (for any reason). */
    private readonly detach: (channel: Channel) => void,
  ) {
    factory.onIncoming((ch) => {
      if (this.closed || !this.admit(ch.peer)) {
        ch.close();
        return;
      }
      this.add(ch);
    });
  }

  /** Number of open channels. */
  get size(): number {
    return this.entries.size;
  }

  /** Gets an open channel to `peer` (reused or newly opened); `undefined` on failure. */
  acquire(peer: ActorId, done: (ch: Channel | undefined) => void): void {
    const e = this.entries.get(peer);
    if (e?.channel.isOpen) {
      e.users++;
      e.lastUsed = this.runtime.clock.now();
      done(e.channel);
      return;
    }
    const waiting = this.opening.get(peer);
    if (waiting) {
      waiting.push(done);
      return;
    }
    if (this.closed || !this.admit(peer)) {
      done(undefined);
      return;
    }
    this.opening.set(peer, [done]);
    this.factory.open(peer, (ch) => {
      const cbs = this.opening.get(peer) ?? [];
      this.opening.delete(peer);
      if (ch && (this.closed || !ch.isOpen)) {
        ch.close();
        ch = undefined;
      }
      if (ch) {
        this.outgoing.add(ch);
        this.add(ch);
      }
      const entry = ch ? this.entries.get(peer) : undefined;
      for (const cb of cbs) {
        if (entry) entry.users++;
        cb(entry?.channel);
      }
    });
  }

  /** Marks one use of the channel to `peer` finished. */
  release(peer: ActorId): void {
    const e = this.entries.get(peer);
    if (!e) return;
    e.users = Math.max(0, e.users - 1);
    e.lastUsed = this.runtime.clock.now();
  }

  /** Marks the channel to `peer` as used now (traffic). */
  touch(peer: ActorId): void {
    const e = this.entries.get(peer);
    if (e) e.lastUsed = this.runtime.clock.now();
  }

  /** Closes every channel. */
  close(): void {
    this.closed = true;
    this.sweepTimer?.cancel();
    for (const e of [...this.entries.values()]) e.channel.close();
    this.entries.clear();
  }

  private add(ch: Channel): void {
    const old = this.entries.get(ch.peer);
    if (old && old.channel !== ch && old.channel.isOpen) {
      // Both ends opened at once. Both keep the channel opened by the lower actor id, so
      // they agree on which one survives.
      const initiator = (c: Channel) => (this.outgoing.has(c) ? this.self : c.peer);
      if (initiator(ch) > initiator(old.channel)) {
        ch.close();
        return;
      }
      old.channel.close();
    }
    const entry: Entry = { channel: ch, lastUsed: this.runtime.clock.now(), users: old?.users ?? 0 };
    this.entries.set(ch.peer, entry);
    ch.onClose(() => {
      if (this.entries.get(ch.peer)?.channel === ch) this.entries.delete(ch.peer);
      this.detach(ch);
    });
    this.attach(ch);
    this.scheduleSweep();
  }

  /** Makes room for one more channel; false when every channel is in use. */
  private admit(peer: ActorId): boolean {
    if (this.entries.has(peer) || this.entries.size < this.config.maxChannels) return true;
    let victim: Entry | undefined;
    for (const e of this.entries.values()) {
      if (e.users === 0 && (!victim || e.lastUsed < victim.lastUsed)) victim = e;
    }
    if (!victim) return false;
    victim.channel.close();
    this.entries.delete(victim.channel.peer);
    return true;
  }

  private scheduleSweep(): void {
    if (this.sweepTimer || this.closed) return;
    this.sweepTimer = this.runtime.scheduler.after(this.config.channelIdleMs / 2, () => {
      this.sweepTimer = undefined;
      const now = this.runtime.clock.now();
      for (const e of [...this.entries.values()]) {
        if (e.users === 0 && now - e.lastUsed >= this.config.channelIdleMs) e.channel.close();
      }
      if (this.entries.size > 0) this.scheduleSweep();
    });
  }
}
