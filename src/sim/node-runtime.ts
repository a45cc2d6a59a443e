import type { Clock } from '../runtime/clock.js';
import type { Rng } from '../runtime/rng.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Scheduler, TimerHandle } from '../runtime/scheduler.js';
import type { VirtualScheduler } from '../runtime/virtual-scheduler.js';

interface NodeTimer {
  fn: () => void;
  cancelled: boolean;
}

/**
 * One simulated process's runtime on the shared virtual scheduler (one instance per process
 * lifetime: a restart gets a new one). A crash voids every timer the process set and every
 * timer it tries to set afterwards; a pause defers timers that fire
 * while paused until the process resumes, the way a stopped process catches up on its
 * overdue timers all at once. Deferred timers are bounded by the timers the protocol itself
 * keeps (each timer is deferred at most once), so no extra bound is needed here.
 */
export class SimNodeRuntime implements Runtime {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  private dead = false;
  private paused = false;
  private deferred: NodeTimer[] = [];

  /**
   * @param sim the shared virtual scheduler
   * @param rng this node's own seeded stream
   * @param onError called when node code throws inside a timer (the node is not stopped)
   */
  constructor(
    private readonly sim: VirtualScheduler,
    readonly rng: Rng,
    private readonly onError: (err: unknown) => void,
  ) {
    this.clock = sim.clock;
    this.scheduler = { after: (ms, fn) => this.after(ms, fn) };
  }

  /** True while the process is paused. */
  get isPaused(): boolean {
    return this.paused;
  }

  private after(delayMs: number, fn: () => void): TimerHandle {
    const timer: NodeTimer = { fn, cancelled: false };
    if (this.dead) return { cancel: () => {} };
    const handle = this.sim.after(delayMs, () => {
      if (this.dead || timer.cancelled) return;
      if (this.paused) this.deferred.push(timer);
      else this.run(timer.fn);
    });
    return {
      cancel: () => {
        timer.cancelled = true;
        handle.cancel();
      },
    };
  }

  /** Runs node code, turning an exception into a report rather than aborting the simulation. */
  run(fn: () => void): void {
    if (this.dead) return;
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }

  /** True once {@link crash} ran. */
  get isDead(): boolean {
    return this.dead;
  }

  /** Stops the process dead: every pending and future timer of this runtime is void. */
  crash(): void {
    this.dead = true;
    this.paused = false;
    this.deferred = [];
  }

  /** Freezes the process: timers due meanwhile run on {@link resume}. */
  pause(): void {
    this.paused = true;
  }

  /** Unfreezes the process and runs its overdue timers in the order they fell due. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const overdue = this.deferred;
    this.deferred = [];
    for (const t of overdue) if (!t.cancelled) this.run(t.fn);
  }
}
