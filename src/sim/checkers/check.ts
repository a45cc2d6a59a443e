import type { SimNode, SimQueueSize } from '../protocol.js';

/** A live node at the end of the healing phase. */
export interface LiveNode {
  readonly index: number;
  readonly addr: string;
  readonly node: SimNode;
}

/** Everything the checkers judge, gathered once the healing phase ends. */
export interface CheckInput {
  /** Nodes running at the end (not crashed, not left), by index. */
  readonly live: readonly LiveNode[];
  /** Addresses of nodes that are down (crashed and never restarted, or left). */
  readonly gone: readonly string[];
  /** Ids of writes whose `write` was acknowledged. */
  readonly ackedWrites: readonly string[];
  /** Every queue size sampled during the run that exceeded its bound, with where and when. */
  readonly queueViolations: readonly {
    readonly node: number;
    readonly atMs: number;
    readonly queue: SimQueueSize;
  }[];
  /** Exceptions thrown by node code (messages), in order. */
  readonly nodeErrors: readonly string[];
}

/** The verdict of one checker. */
export interface CheckResult {
  readonly name: string;
  /** False when the protocol lacks the capability the checker needs (then `ok` is true). */
  readonly applicable: boolean;
  readonly ok: boolean;
  /** One line for the summary. */
  readonly detail: string;
  /** Up to {@link MAX_FAILURES} concrete failures. */
  readonly failures: readonly string[];
}

/** Failures kept per checker: enough to debug, bounded so a broken run stays readable. */
export const MAX_FAILURES = 10;

/** A checker: a pure function of the end state. */
export type Checker = (input: CheckInput) => CheckResult;

/** Builds a result, keeping at most {@link MAX_FAILURES} failures. */
export function verdict(name: string, failures: string[], detail: string, applicable = true): CheckResult {
  return { name, applicable, ok: failures.length === 0, detail, failures: failures.slice(0, MAX_FAILURES) };
}
