import type { CheckInput, CheckResult } from './check.js';
import { verdict } from './check.js';

/**
 * No acknowledged write lost: every write whose `write` call was acknowledged is present in
 * the real tables of every live node after healing (read from the store, not from reports).
 */
export function checkNoLostWrite(input: CheckInput): CheckResult {
  const readers = input.live.filter((l) => l.node.heldWrites);
  if (readers.length === 0)
    return verdict('no-lost-write', [], 'no replicated tables (membership only)', false);
  const failures: string[] = [];
  let missing = 0;
  for (const l of readers) {
    const held = new Set(l.node.heldWrites?.() ?? []);
    for (const id of input.ackedWrites) {
      if (held.has(id)) continue;
      missing++;
      if (failures.length < 10) failures.push(`n${l.index} lacks acknowledged write ${id}`);
    }
  }
  if (missing > failures.length) failures.push(`... ${missing} missing (node, write) pairs in all`);
  return verdict(
    'no-lost-write',
    failures,
    `${input.ackedWrites.length} acknowledged writes checked on ${readers.length} live nodes, ${missing} missing`,
  );
}
