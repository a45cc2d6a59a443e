/**
 * A bounded set of recently seen keys (broadcast ids), for deduplication. At the bound the
 * oldest key is forgotten, so a duplicate arriving after `capacity` newer broadcasts is
 * delivered again; receivers of broadcasts must therefore be idempotent (changesets are).
 * Memory grows with use up to the bound, so an idle simulated node costs almost nothing.
 */
export class SeenSet {
  private readonly set = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
  }

  /** Adds `key`; returns false when it was already present. */
  add(key: string): boolean {
    if (this.set.has(key)) return false;
    if (this.ring.length < this.capacity) {
      this.ring.push(key);
    } else {
      this.set.delete(this.ring[this.next] as string);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.capacity;
    }
    this.set.add(key);
    return true;
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.set.size;
  }
}
