/**
 * A set of recently seen keys with a size bound. At the bound the oldest key is evicted
 * (insertion order), so memory stays at `capacity` keys whatever the traffic.
 */
export class BoundedSet {
  private readonly keys = new Map<string, number>();

  /** @param capacity most keys kept; must be >= 1. */
  constructor(readonly capacity: number) {}

  /** Whether `key` is held. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** The value stored with `key` (e.g. a timestamp), if held. */
  get(key: string): number | undefined {
    return this.keys.get(key);
  }

  /** Adds (or refreshes) `key`, evicting the oldest key at the bound. */
  add(key: string, value = 0): void {
    this.keys.delete(key);
    this.keys.set(key, value);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }
}
