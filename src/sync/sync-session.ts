import type { ApplyOutcome } from '../broadcast/applier.js';
import { encodeMessage } from '../broadcast/codec.js';
import type { SyncChangesetsMsg, SyncStateMsg } from '../broadcast/messages.js';
import type { ReplicaStore } from '../broadcast/replica-store.js';
import { WireCode } from '../broadcast/wire-codes.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TimerHandle } from '../runtime/scheduler.js';
import type { Changeset, Needs, SyncState, VersionRange } from '../store/types.js';
import type { Channel } from '../transport/channel.js';
import { computeNeeds, countNeeds, takeNeeds } from './needs.js';
import type { SyncConfig } from './sync-config.js';

/** How a client session ended. */
export type SessionEnd = 'done' | 'busy' | 'timeout' | 'closed';

/** Result of one client session. */
export interface SessionResult {
  readonly end: SessionEnd;
  /** Changesets that were new here. */
  readonly pulled: number;
  /** Versions the server's state said we lacked. */
  readonly needed: number;
}

/** Hooks a session calls out to. */
export interface SessionHooks {
  /** Applies pulled changesets (never throws). */
  apply(changesets: readonly Changeset[]): ApplyOutcome;
  /** Told the server's sync state (peer knowledge). */
  onServerState(state: SyncState, local: SyncState): void;
  /** Told when the session ends (exactly once). */
  onEnd(result: SessionResult): void;
  /** Counts bytes sent. */
  onSent(bytes: number): void;
}

/**
 * The pulling side of one anti-entropy session over a channel: send our sync state, receive
 * the server's, compute what we lack (or use `target` needs), pull it chunk by chunk with at
 * most one chunk in flight, apply as replies arrive, end. Any step that makes no progress
 * within `syncStepTimeoutMs` ends the session.
 */
export class SyncSession {
  private remaining: Needs = {};
  /** The chunk asked for and not yet completely answered. */
  private inFlight: Needs = {};
  private inFlightCount = 0;
  private needed = 0;
  private pulled = 0;
  private timer: TimerHandle | undefined;
  private ended = false;

  constructor(
    readonly sid: number,
    readonly channel: Channel,
    private readonly store: ReplicaStore,
    private readonly runtime: Runtime,
    private readonly config: SyncConfig,
    private readonly hooks: SessionHooks,
    /** Pull exactly these versions instead of everything the server has that we lack. */
    private readonly target?: Needs,
  ) {}

  start(): void {
    this.send(encodeMessage({ type: WireCode.SyncStart, sid: this.sid, state: this.store.syncState() }));
  }

  onState(msg: SyncStateMsg): void {
    if (this.ended) return;
    const local = this.store.syncState();
    this.hooks.onServerState(msg.state, local);
    this.remaining = this.target ?? computeNeeds(local, msg.state);
    this.needed = countNeeds(this.remaining);
    this.pullNext();
  }

  onChangesets(msg: SyncChangesetsMsg): void {
    if (this.ended) return;
    this.arm();
    const outcome = this.hooks.apply(msg.changesets);
    this.pulled += outcome.fresh.length;
    if (!msg.last) return;
    // The server may answer a chunk partly (its byte bound). Ask again for what is still
    // missing, but only while each reply shrinks it, so a session always terminates.
    const leftover = this.stillMissing(this.inFlight);
    const left = countNeeds(leftover);
    if (left > 0 && left < this.inFlightCount) this.remaining = mergeFront(leftover, this.remaining);
    this.pullNext();
  }

  onBusy(): void {
    this.finish('busy');
  }

  /** The channel closed under the session. */
  onClosed(): void {
    this.finish('closed');
  }

  /** Abandons the session (node closing). */
  abort(): void {
    this.finish('closed');
  }

  private pullNext(): void {
    const { chunk, rest } = takeNeeds(this.remaining, this.config.maxVersionsPerPull);
    this.remaining = rest;
    this.inFlight = chunk;
    this.inFlightCount = countNeeds(chunk);
    if (Object.keys(chunk).length === 0) {
      this.finish('done');
      return;
    }
    this.send(encodeMessage({ type: WireCode.SyncPull, sid: this.sid, needs: chunk }));
  }

  private stillMissing(needs: Needs): Needs {
    const out: Record<string, [number, number][]> = {};
    for (const [actor, ranges] of Object.entries(needs)) {
      for (const [from, to] of ranges) {
        for (let v = from; v <= to; v++) {
          if (this.store.has(actor, v)) continue;
          const list = out[actor] ?? [];
          const last = list[list.length - 1];
          if (last && last[1] === v - 1) last[1] = v;
          else list.push([v, v]);
          out[actor] = list;
        }
      }
    }
    return out;
  }

  private send(bytes: Uint8Array): void {
    if (!this.channel.send(bytes)) {
      this.finish('closed');
      return;
    }
    this.hooks.onSent(bytes.length);
    this.arm();
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = this.runtime.scheduler.after(this.config.syncStepTimeoutMs, () => this.finish('timeout'));
  }

  private finish(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.timer?.cancel();
    if (end !== 'closed' && end !== 'busy' && this.channel.isOpen) {
      const bye = encodeMessage({ type: WireCode.SyncEnd, sid: this.sid });
      if (this.channel.send(bye)) this.hooks.onSent(bye.length);
    }
    this.hooks.onEnd({ end, pulled: this.pulled, needed: this.needed });
  }
}

/** `front` then `rest`, per actor (the two never overlap here). */
function mergeFront(front: Needs, rest: Needs): Needs {
  const out: Record<string, VersionRange[]> = {};
  for (const [a, rs] of Object.entries(front)) out[a] = [...rs];
  for (const [a, rs] of Object.entries(rest)) out[a] = [...(out[a] ?? []), ...rs];
  return out;
}
