/**
 * A bounded set of recently seen keys (broadcast ids), for deduplication. At the bound the
 * oldest key is forgotten, so a duplicate arriving after `capacity` newer broadcasts is
 * delivered again; receivers of broadcasts must therefore be idempotent (changesets are).
 */
export class SeenSet {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(capacity: number) {
    this.ring = new Array<string | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  /** Adds `key`; returns false when it was already present. */
  add(key: string): boolean {
    if (this.set.has(key)) return false;
    const old = this.ring[this.next];
    if (old !== undefined) this.set.delete(old);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.ring.length;
    this.set.add(key);
    return true;
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.set.size;
  }
}
