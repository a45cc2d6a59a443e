import type { ServerResponse } from 'node:http';

/**
 * Writes newline-delimited JSON to a response with back-pressure: `write` resolves once the
 * socket buffer has room again, so a slow reader slows the producer down instead of growing
 * memory. After the client disconnects, `closed` is true and writes are dropped.
 */
export class NdjsonWriter {
  private closedFlag = false;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly res: ServerResponse) {
    res.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    res.on('drain', () => this.wake());
  }

  /** True once the client went away or the stream was ended. */
  get closed(): boolean {
    return this.closedFlag || this.res.destroyed;
  }

  /** Writes one event as a JSON line; waits for the socket to drain when its buffer is full. */
  async write(event: unknown): Promise<void> {
    if (this.closed) return;
    const ok = this.res.write(`${JSON.stringify(event)}\n`);
    if (!ok && !this.closed) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends the response. */
  end(): void {
    if (!this.res.writableEnded) this.res.end();
    this.closedFlag = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
