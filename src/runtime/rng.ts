/**
 * Where protocol code gets its randomness. Everything random in corro (probe order, gossip
 * targets, backoff jitter) flows through one of these so a seed replays a run.
 */
export interface Rng {
  /** A float uniformly distributed in [0, 1). */
  next(): number;
}

/** An integer uniformly distributed in [0, maxExclusive). `maxExclusive` must be >= 1. */
export function randomInt(rng: Rng, maxExclusive: number): number {
  return Math.floor(rng.next() * maxExclusive);
}

/** A float uniformly distributed in [min, max). */
export function randomBetween(rng: Rng, min: number, max: number): number {
  return min + rng.next() * (max - min);
}

/** Fisher-Yates shuffle into a new array; the input is not modified. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/** Up to `k` distinct items chosen uniformly at random. */
export function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  return shuffled(rng, items).slice(0, Math.max(0, k));
}

/** `n` random bytes drawn from `rng` (deterministic for a seeded rng). */
export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randomInt(rng, 256);
  return out;
}

/**
 * A small, fast, seedable generator (sfc32 seeded through splitmix32). Pure code: the same
 * seed gives the same sequence on every machine, which is what the simulator relies on.
 */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return { next: () => next() / 4294967296 };
}

/** Derives an independent child seed, so each simulated node gets its own stream. */
export function deriveSeed(seed: number, index: number): number {
  const r = seededRng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  return Math.floor(r.next() * 4294967296) >>> 0;
}
