/**
 * Items in ascending order of a numeric id, with the ids in a parallel array (the levels of the
 * transmit queue). Why the parallel array:
 * ordering work (merges, binary searches, comparing two walks) then reads one contiguous array
 * of numbers instead of every item object, and in a process running hundreds of nodes those
 * objects are scattered over the heap, one cache miss each.
 */
export class SortedById<T> {
  /** The items, ascending by id. */
  readonly items: T[] = [];
  /** `ids[i]` is the id of `items[i]`. */
  readonly ids: number[] = [];

  /** Items held. */
  get length(): number {
    return this.items.length;
  }

  /** Appends an item whose id is larger than every id held. */
  append(item: T, id: number): void {
    this.items.push(item);
    this.ids.push(id);
  }

  /** Removes `item` (held under `id`); false when it is not held. */
  remove(item: T, id: number): boolean {
    const i = this.indexOf(id);
    if (this.items[i] !== item) return false;
    this.items.splice(i, 1);
    this.ids.splice(i, 1);
    return true;
  }

  /** Removes and returns the last `k` items (those with the largest ids), ascending. */
  cutSuffix(k: number): { items: T[]; ids: number[] } {
    // splice, not a length change: shrinking or growing `length` would make the arrays holey,
    // which V8 then reads more slowly for good.
    const from = this.items.length - k;
    return { items: this.items.splice(from), ids: this.ids.splice(from) };
  }

  /** Merges items (ascending `ids`) into this level, keeping it ascending. */
  merge(items: readonly T[], ids: readonly number[]): void {
    const n = this.ids.length;
    if (items.length === 0) return;
    if (n === 0 || (this.ids[n - 1] as number) < (ids[0] as number)) {
      for (let j = 0; j < items.length; j++) this.append(items[j] as T, ids[j] as number);
      return;
    }
    // From the back into the grown arrays: no temporary copy, and the untouched prefix of
    // smaller ids is never moved.
    let i = n - 1;
    let j = items.length - 1;
    let k = n + items.length - 1;
    for (let x = 0; x < items.length; x++) {
      this.items.push(items[0] as T);
      this.ids.push(0);
    }
    while (j >= 0) {
      if (i >= 0 && (this.ids[i] as number) > (ids[j] as number)) {
        this.items[k] = this.items[i] as T;
        this.ids[k--] = this.ids[i--] as number;
      } else {
        this.items[k] = items[j] as T;
        this.ids[k--] = ids[j--] as number;
      }
    }
  }

  /** First index whose id is >= `id`. */
  private indexOf(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as number) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
