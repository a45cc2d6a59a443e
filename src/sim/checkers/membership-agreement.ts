import type { CheckInput, CheckResult } from './check.js';
import { verdict } from './check.js';

/**
 * Membership agreement: after healing, every live node sees exactly the live nodes as alive
 * and no node that is down (crashed or left) as alive.
 */
export function checkMembershipAgreement(input: CheckInput): CheckResult {
  const viewers = input.live.filter((l) => l.node.view);
  if (viewers.length === 0)
    return verdict('membership-agreement', [], 'protocol exposes no member view', false);
  const liveAddrs = input.live.map((l) => l.addr);
  const failures: string[] = [];
  let disagreeing = 0;
  for (const l of viewers) {
    const view = l.node.view?.() ?? new Map();
    const problems: string[] = [];
    for (const a of liveAddrs) {
      if (a === l.addr) continue;
      const s = view.get(a);
      if (s !== 'alive') problems.push(`${a} live but seen ${s ?? 'unknown'}`);
    }
    for (const a of input.gone) if (view.get(a) === 'alive') problems.push(`${a} down but seen alive`);
    if (problems.length > 0) {
      disagreeing++;
      if (failures.length < 10)
        failures.push(
          `n${l.index}: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; +${problems.length - 3} more` : ''}`,
        );
    }
  }
  return verdict(
    'membership-agreement',
    failures,
    `${viewers.length} live nodes, ${disagreeing} with a view that differs from the truth`,
  );
}
