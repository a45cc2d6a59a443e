import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Every child process a benchmark starts is registered here, so that it is killed however
 * the benchmark ends: normally (the benchmark's `finally` calls `killAll`), by an exception,
 * or by a signal from the harness (the `exit` hook below kills what is left, synchronously).
 */
const live = new Set<ChildProcess>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) killHard(c);
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      for (const c of live) killHard(c);
      process.exit(130);
    });
  }
}

function killHard(c: ChildProcess): void {
  if (c.exitCode !== null || c.signalCode !== null) return;
  try {
    c.kill('SIGKILL');
  } catch {
    // Already gone: nothing to clean up.
  }
}

/** Spawns a child process that is killed with SIGKILL when this process exits. */
export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  hook();
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  live.add(c);
  c.once('exit', () => live.delete(c));
  return c;
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => c.once('exit', () => resolve()));
}

/** Sends SIGKILL to every tracked child and waits (bounded by `maxWaitMs`) until they are gone. */
export async function killAll(maxWaitMs = 5000): Promise<void> {
  const all = [...live];
  for (const c of all) killHard(c);
  await Promise.race([Promise.all(all.map(exited)), sleep(maxWaitMs)]);
}

/** Number of tracked children still running (for tests and sanity checks). */
export function liveCount(): number {
  return live.size;
}

/** A real sleep; benchmarks run in real time, unlike the protocol code under src/. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `pred` every `everyMs` until it is true or `timeoutMs` passes; returns whether it
 * became true. Every wait in a benchmark is bounded this way.
 */
export async function waitFor(pred: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (pred()) return true;
    await sleep(everyMs);
  }
  return pred();
}

/** Wall time in epoch milliseconds with sub-millisecond precision, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
