/**
 * Causal length (as in cr-sqlite): a per-row counter that decides existence. Odd means present,
 * even means deleted. Every insert of an absent row and every delete of a present row moves it
 * to the next integer; concurrent values are all read and the largest wins. So a delete beats a
 * concurrent update of the same incarnation, and a re-insert beats the delete it has seen.
 */

/** Whether a row with causal length `cl` exists (0 = never written). */
export function isPresent(cl: number): boolean {
  return cl % 2 === 1;
}

/** The winning causal length among concurrent values (0 when there are none). */
export function winningLength(values: readonly number[]): number {
  let max = 0;
  for (const v of values) if (Number.isSafeInteger(v) && v > max) max = v;
  return max;
}

/** The causal length after a local insert of the row: the next odd value, or unchanged if present. */
export function afterInsert(cl: number): number {
  return isPresent(cl) ? cl : cl + 1;
}

/** The causal length after a local delete of the row: the next even value, or unchanged if absent. */
export function afterDelete(cl: number): number {
  return isPresent(cl) ? cl + 1 : cl;
}
