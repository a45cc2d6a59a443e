import type { CheckInput, CheckResult } from './check.js';
import { verdict } from './check.js';

/** No exception escaped node code (peer faults must be dropped and counted, never thrown). */
export function checkNodeErrors(input: CheckInput): CheckResult {
  return verdict(
    'no-node-exceptions',
    [...input.nodeErrors],
    `${input.nodeErrors.length} exceptions from node code`,
  );
}
