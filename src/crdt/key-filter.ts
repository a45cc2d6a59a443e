/**
 * A growing Bloom filter over the row keys a document holds: "definitely never written" or
 * "maybe written". It lets a write skip Automerge's `getAll` for a key the document never held
 * (3.5-7 us each, ~18% of a 1000-row insert transaction in a profile), at ~2-8 bytes per key: a
 * JS set of the keys answered the same exactly but cost ~600 bytes of RSS per row
 * (docs/architecture.md).
 *
 * Layers: the first holds {@link FIRST_LAYER_KEYS} keys; when a layer is full a new one twice as
 * large is added (nothing is rebuilt, since a Bloom filter cannot be resized without its keys).
 * A query checks every layer. With {@link BITS_PER_KEY} bits and {@link HASHES} probes per key a
 * full layer answers "maybe" for an absent key ~0.5% of the time; a false "maybe" only costs the
 * `getAll` the filter would have saved, so it never changes a result.
 */
export class KeyFilter {
  private readonly layers: { bits: Uint32Array; mask: number; capacity: number; count: number }[] = [];

  /** @param expectedKeys keys about to be added (sizes the first layer) */
  constructor(expectedKeys = 0) {
    this.addLayer(Math.max(FIRST_LAYER_KEYS, nextPow2(expectedKeys * 2)));
  }

  /** Records a key as held. */
  add(key: string): void {
    let layer = this.layers[this.layers.length - 1] as (typeof this.layers)[number];
    if (layer.count >= layer.capacity) {
      this.addLayer(layer.capacity * 2);
      layer = this.layers[this.layers.length - 1] as (typeof this.layers)[number];
    }
    const h1 = hash1(key);
    const h2 = hash2(h1);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & layer.mask;
      layer.bits[bit >>> 5] = (layer.bits[bit >>> 5] as number) | (1 << (bit & 31));
    }
    layer.count++;
  }

  /** False when the key was certainly never added; true when it may have been. */
  mayHold(key: string): boolean {
    const h1 = hash1(key);
    const h2 = hash2(h1);
    for (const layer of this.layers) {
      let all = true;
      for (let i = 0; i < HASHES; i++) {
        const bit = (h1 + Math.imul(i, h2)) & layer.mask;
        if (((layer.bits[bit >>> 5] as number) & (1 << (bit & 31))) === 0) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  private addLayer(capacity: number): void {
    const bitsLen = capacity * BITS_PER_KEY;
    this.layers.push({ bits: new Uint32Array(bitsLen / 32), mask: bitsLen - 1, capacity, count: 0 });
  }
}

/** Keys the first layer holds (then 2x, 4x, ...). */
export const FIRST_LAYER_KEYS = 1024;
/** Filter bits per key of a layer (a power of two). */
export const BITS_PER_KEY = 16;
/** Probes per key. */
export const HASHES = 3;

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

// Not FNV-1a alone: documents are chosen by FNV-1a mod 16, so all keys of one document share
// those low bits. A murmur-style mix decorrelates the filter's bits from the placement.
function hash1(key: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hash2(h1: number): number {
  let h = Math.imul(h1 ^ (h1 >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) | 1) >>> 0;
}
