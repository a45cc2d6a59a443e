/** Rounds to `digits` decimals, so results.json carries stable, readable numbers. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return 0;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The q-quantile (0..1) of ascending-sorted `sorted` by nearest rank; 0 when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

/**
 * p50 / p99 / max / mean / count of `values` (any order), rounded. With no values every figure
 * but `count` is `null`: nothing was measured, which is not the same as 0 ms.
 */
export function summary(values: readonly number[]): {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
} {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { count: 0, p50: null, p99: null, max: null, mean: null };
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return {
    count: s.length,
    p50: round(quantile(s, 0.5)),
    p99: round(quantile(s, 0.99)),
    max: round(s[s.length - 1] ?? 0),
    mean: round(mean),
  };
}

/** An empirical CDF reduced to at most `points` points `[value, fraction]`. */
export function cdf(values: readonly number[], points = 100): [number, number][] {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return [];
  const out: [number, number][] = [];
  const step = Math.max(1, Math.floor(s.length / points));
  for (let i = step - 1; i < s.length; i += step)
    out.push([round(s[i] as number), round((i + 1) / s.length, 4)]);
  const last = out[out.length - 1];
  if (last?.[1] !== 1) out.push([round(s[s.length - 1] as number), 1]);
  return out;
}

/** A figure for people: `n/a` when it was not measured (`null`), else the number. */
export function fig(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${x}`;
}
