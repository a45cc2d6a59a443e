/**
 * Thrown for caller misuse of the membership API (bad actor id, oversized metadata, missing
 * keys, use after close). The message says what to do; no state was changed.
 */
export class MembershipUsageError extends Error {
  override readonly name = 'MembershipUsageError';
}
