import type { QueryEvent } from './types.js';

/**
 * One reader of a subscription: a snapshot of initial events (sent first, not counted
 * against the bound) followed by a bounded queue of live events. When the live queue would
 * exceed `maxBuffered`, the queue is replaced by a single `error` event and the consumer is
 * detached: a slow reader costs at most `maxBuffered` events of memory.
 */
export class Consumer implements AsyncIterable<QueryEvent> {
  private initial: QueryEvent[];
  // Index into `initial`: shifting a large snapshot array one by one would be quadratic.
  private initialPos = 0;
  private live: QueryEvent[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  /** True once the consumer was dropped for falling behind. */
  dropped = false;

  constructor(
    initial: QueryEvent[],
    private readonly maxBuffered: number,
    private readonly onDetach: (c: Consumer) => void,
  ) {
    this.initial = initial;
  }

  /** Queues a live event; drops the consumer with an error event past the bound. */
  push(event: QueryEvent): void {
    if (this.ended) return;
    if (this.live.length >= this.maxBuffered) {
      this.dropped = true;
      this.live = [];
      this.fail(
        `subscriber fell behind by more than ${this.maxBuffered} events and was dropped; resubscribe`,
      );
      return;
    }
    this.live.push(event);
    this.wake();
  }

  /** Ends the stream with an error event (final). */
  fail(message: string): void {
    if (this.ended) return;
    this.live.push({ error: message });
    this.ended = true;
    this.onDetach(this);
    this.wake();
  }

  /** Ends the stream; pending events are discarded. Idempotent. */
  close(): void {
    if (!this.ended) {
      this.ended = true;
      this.onDetach(this);
    }
    this.initial = [];
    this.live = [];
    this.wake();
  }

  /** Events not yet read (live ones only). */
  get backlog(): number {
    return this.live.length;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<QueryEvent> {
    for (;;) {
      const next =
        this.initialPos < this.initial.length ? this.initial[this.initialPos++] : this.live.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = null;
    }
  }

  private wake(): void {
    this.waiter?.();
  }
}
