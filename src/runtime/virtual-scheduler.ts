import type { Clock } from './clock.js';
import type { Scheduler, TimerHandle } from './scheduler.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A discrete-event scheduler in virtual time. Events run in (time, insertion) order, so a run
 * is a pure function of its inputs. Used by tests, the in-memory network and corro-sim.
 */
export class VirtualScheduler implements Scheduler {
  private heap: Pending[] = [];
  private seq = 0;
  private nowMs: number;
  /** Events executed so far (for events-per-second figures). */
  executed = 0;

  /** @param startMs virtual epoch in ms; defaults to a fixed date so runs are reproducible. */
  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  /** The clock that reads this scheduler's virtual time. */
  readonly clock: Clock = { now: () => this.nowMs };

  /** Current virtual time in ms. */
  now(): number {
    return this.nowMs;
  }

  /** Number of pending (possibly cancelled) events. */
  get pending(): number {
    return this.heap.length;
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    const entry: Pending = { at: this.nowMs + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Runs the next event; returns false when none is left. */
  step(): boolean {
    for (;;) {
      const e = this.pop();
      if (!e) return false;
      if (e.cancelled) continue;
      this.nowMs = Math.max(this.nowMs, e.at);
      this.executed++;
      e.fn();
      return true;
    }
  }

  /** Runs every event due at or before `timeMs`, then sets the clock to `timeMs`. */
  runUntil(timeMs: number): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > timeMs) break;
      this.step();
    }
    this.nowMs = Math.max(this.nowMs, timeMs);
  }

  /** Runs events for `durationMs` of virtual time. */
  runFor(durationMs: number): void {
    this.runUntil(this.nowMs + durationMs);
  }

  /**
   * Runs until `predicate()` holds (checked after each event) or `maxMs` of virtual time
   * passed. Returns whether the predicate held.
   */
  runUntilTrue(predicate: () => boolean, maxMs: number): boolean {
    const deadline = this.nowMs + maxMs;
    if (predicate()) return true;
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > deadline) break;
      this.step();
      if (predicate()) return true;
    }
    this.nowMs = Math.max(this.nowMs, deadline);
    return predicate();
  }

  private less(a: Pending, b: Pending): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Pending): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as Pending, h[p] as Pending)) break;
      [h[i], h[p]] = [h[p] as Pending, h[i] as Pending];
      i = p;
    }
  }

  private pop(): Pending | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as Pending;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as Pending, h[m] as Pending)) m = l;
        if (r < h.length && this.less(h[r] as Pending, h[m] as Pending)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Pending, h[i] as Pending];
        i = m;
      }
    }
    return top;
  }
}
