/**
 * Network partitions as directed cut rules: packets from any node in `from` to any node in
 * `to` are dropped. A symmetric partition is two rules; an asymmetric one is a single rule
 * (A cannot reach B, B still reaches A), the case that confuses failure detectors most.
 */
export interface CutRule {
  readonly id: string;
  readonly from: ReadonlySet<number>;
  readonly to: ReadonlySet<number>;
}

/** The set of active cut rules. Node ids are node indexes. */
export class Partitions {
  private rules: CutRule[] = [];

  /** Number of active rules. */
  get size(): number {
    return this.rules.length;
  }

  /** Cuts `a` from `b`; both directions unless `oneWay` (then only a -> b is cut). */
  cut(id: string, a: readonly number[], b: readonly number[], oneWay = false): void {
    const sa = new Set(a);
    const sb = new Set(b);
    this.rules.push({ id, from: sa, to: sb });
    if (!oneWay) this.rules.push({ id, from: sb, to: sa });
  }

  /** Removes the rules named `id`, or all rules when `id` is undefined. */
  heal(id?: string): void {
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
  }

  /** True when a packet from node `from` to node `to` is cut. */
  blocked(from: number, to: number): boolean {
    for (const r of this.rules) if (r.from.has(from) && r.to.has(to)) return true;
    return false;
  }
}
