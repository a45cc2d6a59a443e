import { encodeMessage } from '../broadcast/codec.js';
import type { SyncEndMsg, SyncPullMsg, SyncStartMsg } from '../broadcast/messages.js';
import type { ReplicationMetrics } from '../broadcast/metrics.js';
import type { ReplicaStore } from '../broadcast/replica-store.js';
import { WireCode } from '../broadcast/wire-codes.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TimerHandle } from '../runtime/scheduler.js';
import type { Changeset, SyncState } from '../store/types.js';
import type { Channel } from '../transport/channel.js';
import type { SyncConfig } from './sync-config.js';

interface ServedSession {
  readonly channel: Channel;
  timer: TimerHandle;
}

/**
 * The serving side of anti-entropy. Serves at most `maxServerSessions` sessions at once
 * (others get `SyncBusy`); answers each pull with at most `maxVersionsPerPull` changesets
 * split into messages of about `maxBatchBytes`. The client asks for the next chunk only
 * after the last one arrived, which is the back-pressure. Idle sessions expire.
 */
export class SyncServer {
  private readonly sessions = new Map<string, ServedSession>();

  constructor(
    private readonly store: ReplicaStore,
    private readonly runtime: Runtime,
    private readonly metrics: ReplicationMetrics,
    private readonly config: SyncConfig,
    /** Told about each client's sync state and ours (peer knowledge). */
    private readonly onClientState: (peer: Channel['peer'], state: SyncState, local: SyncState) => void,
  ) {}

  /** Sessions being served now. */
  get active(): number {
    return this.sessions.size;
  }

  onStart(ch: Channel, msg: SyncStartMsg): void {
    const key = `${ch.peer}:${msg.sid}`;
    if (!this.sessions.has(key) && this.sessions.size >= this.config.maxServerSessions) {
      this.metrics.syncBusy++;
      this.send(ch, encodeMessage({ type: WireCode.SyncBusy, sid: msg.sid }));
      return;
    }
    this.end(key);
    this.metrics.syncServed++;
    this.sessions.set(key, { channel: ch, timer: this.expiry(key) });
    const local = this.store.syncState();
    this.onClientState(ch.peer, msg.state, local);
    this.send(ch, encodeMessage({ type: WireCode.SyncState, sid: msg.sid, state: local }));
  }

  onPull(ch: Channel, msg: SyncPullMsg): void {
    const key = `${ch.peer}:${msg.sid}`;
    const s = this.sessions.get(key);
    if (!s || s.channel !== ch) {
      this.metrics.misrouted++;
      return;
    }
    s.timer.cancel();
    s.timer = this.expiry(key);
    let found: readonly Changeset[];
    try {
      found = this.store.changesetsFor(msg.needs, {
        maxChangesets: this.config.maxVersionsPerPull,
        maxBytes: 4 * this.config.maxBatchBytes,
      });
    } catch {
      found = [];
    }
    const limit = Math.min(this.config.maxBatchBytes, ch.maxMessageBytes / 2);
    let batch: Changeset[] = [];
    let bytes = 0;
    for (const cs of found.slice(0, this.config.maxVersionsPerPull)) {
      const size = approxBytes(cs);
      if (batch.length > 0 && bytes + size > limit) {
        this.sendBatch(ch, msg.sid, batch, false);
        batch = [];
        bytes = 0;
      }
      batch.push(cs);
      bytes += size;
    }
    this.sendBatch(ch, msg.sid, batch, true);
  }

  onEnd(ch: Channel, msg: SyncEndMsg): void {
    this.end(`${ch.peer}:${msg.sid}`);
  }

  /** Drops every session on a closed channel. */
  onChannelClosed(ch: Channel): void {
    for (const [key, s] of [...this.sessions]) if (s.channel === ch) this.end(key);
  }

  close(): void {
    for (const key of [...this.sessions.keys()]) this.end(key);
  }

  private sendBatch(ch: Channel, sid: number, changesets: Changeset[], last: boolean): void {
    const bytes = encodeMessage({ type: WireCode.SyncChangesets, sid, changesets, last });
    if (bytes.length > ch.maxMessageBytes) {
      // A single changeset beyond the channel's message bound cannot travel; skip it.
      this.metrics.applyErrors++;
      if (last) this.send(ch, encodeMessage({ type: WireCode.SyncChangesets, sid, changesets: [], last }));
      return;
    }
    this.metrics.syncSent += changesets.length;
    this.send(ch, bytes);
  }

  private send(ch: Channel, bytes: Uint8Array): void {
    if (ch.send(bytes)) this.metrics.bytesSent += bytes.length;
  }

  private expiry(key: string): TimerHandle {
    return this.runtime.scheduler.after(this.config.syncStepTimeoutMs, () => this.end(key));
  }

  private end(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    s.timer.cancel();
    this.sessions.delete(key);
  }
}

/** A cheap upper estimate of a changeset's encoded size, in bytes. */
export function approxBytes(cs: Changeset): number {
  let n = 64;
  for (const c of cs.changes) n += c.data.length + c.table.length + c.doc.length + 16;
  return n;
}
