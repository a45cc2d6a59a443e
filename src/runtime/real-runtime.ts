import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import type { Rng } from './rng.js';
import { seededRng } from './rng.js';
import type { Runtime } from './runtime.js';
import type { Scheduler, TimerHandle } from './scheduler.js';

// This is the only module under src/ allowed to touch the wall clock, real timers and
// ambient randomness (test/determinism-guard.test.ts enforces it).

/** The wall clock. */
export const realClock: Clock = { now: () => Date.now() };

/** Real timers. Timers are unref'd so a forgotten timer never keeps a process alive. */
export const realScheduler: Scheduler = {
  after(delayMs: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Real timers that keep the process alive while pending (for CLIs waiting on work). */
export const refScheduler: Scheduler = {
  after(delayMs: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(t) };
  },
};

/** A generator seeded from the OS's entropy. */
export function realRng(): Rng {
  return seededRng(cryptoRandomBytes(4).readUInt32LE(0));
}

/** Monotonic high-resolution milliseconds, for measuring durations (benchmarks, metrics). */
export function monotonicMs(): number {
  return performance.now();
}

/** The runtime of a real process: wall clock, real timers, OS-seeded randomness. */
export function realRuntime(): Runtime {
  return { clock: realClock, rng: realRng(), scheduler: realScheduler };
}
