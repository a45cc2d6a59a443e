import type { CheckInput, CheckResult } from './check.js';
import { verdict } from './check.js';

/**
 * Convergence: after healing, every live node's replicated tables are identical (equal
 * digests of the real store). Reports the groups of nodes that disagree.
 */
export function checkConvergence(input: CheckInput): CheckResult {
  const withDigest = input.live.filter((l) => l.node.digest);
  if (withDigest.length === 0)
    return verdict('convergence', [], 'no replicated tables (membership only)', false);
  const groups = new Map<string, number[]>();
  for (const l of withDigest) {
    const d = l.node.digest?.() ?? '';
    const g = groups.get(d);
    if (g) g.push(l.index);
    else groups.set(d, [l.index]);
  }
  const failures: string[] = [];
  if (groups.size > 1) {
    const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
    for (const [digest, nodes] of sorted.slice(1))
      failures.push(
        `nodes ${nodes
          .slice(0, 8)
          .map((n) => `n${n}`)
          .join(
            ',',
          )}${nodes.length > 8 ? ',...' : ''} have digest ${digest.slice(0, 12)} unlike the majority (${sorted[0]?.[1].length} nodes)`,
      );
  }
  return verdict(
    'convergence',
    failures,
    `${withDigest.length} live nodes, ${groups.size} distinct table digest(s)`,
  );
}
