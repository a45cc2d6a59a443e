import type { CheckInput, CheckResult } from './check.js';
import { verdict } from './check.js';

/** Every queue within its bound: no sampled queue size ever exceeded its declared bound. */
export function checkQueueBounds(input: CheckInput): CheckResult {
  const failures = input.queueViolations.map(
    (v) => `n${v.node} queue ${v.queue.name} held ${v.queue.size} > bound ${v.queue.bound} at ${v.atMs} ms`,
  );
  return verdict('queue-bounds', failures, `${input.queueViolations.length} bound violations sampled`);
}
