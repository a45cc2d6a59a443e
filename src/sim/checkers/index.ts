import type { Checker } from './check.js';
import { checkConvergence } from './convergence.js';
import { checkMembershipAgreement } from './membership-agreement.js';
import { checkNoLostWrite } from './no-lost-write.js';
import { checkNodeErrors } from './node-errors.js';
import { checkQueueBounds } from './queue-bounds.js';

export type { Checker, CheckInput, CheckResult, LiveNode } from './check.js';
export { checkConvergence, checkMembershipAgreement, checkNodeErrors, checkNoLostWrite, checkQueueBounds };

/** Every checker, run in this order at the end of each simulation. */
export const ALL_CHECKERS: readonly Checker[] = [
  checkConvergence,
  checkNoLostWrite,
  checkMembershipAgreement,
  checkQueueBounds,
  checkNodeErrors,
];
