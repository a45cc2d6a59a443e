import { type Figure, summarize } from './result.js';

/**
 * The p-th percentile (0..100) of samples, by the nearest-rank method on a sorted copy.
 * Nearest rank never invents a value between two samples, which keeps small-sample
 * percentiles honest (p99 of 10 samples is the largest one).
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile: no samples; measure at least once');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1] as number;
}

/** Runs `fn` `runs` times in sequence and returns what each run returned. */
export async function repeat<T>(runs: number, fn: (i: number) => Promise<T> | T): Promise<T[]> {
  if (!Number.isInteger(runs) || runs < 1)
    throw new RangeError(`repeat: runs must be an integer >= 1, got ${runs}`);
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn(i));
  return out;
}

/** Extra fields a figure may carry besides its samples. */
export type FigureExtra = Pick<Figure, 'goal' | 'note' | 'group' | 'impl'> & {
  /**
   * Sample i and baseline sample i come from the same repetition (measured back to back):
   * the ratio is then the median of the per-repetition ratios, with their range.
   */
  paired?: boolean;
};

/** A figure from raw samples: median, min, max and run count. */
export function figure(
  name: string,
  unit: string,
  samples: readonly number[],
  extra: FigureExtra = {},
): Figure {
  return { name, unit, ...summarize([...samples]), ...extra };
}

/**
 * A figure compared with a baseline measured in the same run. The ratio is
 * `median / baseline median`, or with `paired` the median of per-repetition ratios; for a
 * cost (time, bytes) a ratio below 1 is better, for a throughput above 1 is better, which the
 * unit makes plain.
 */
export function compared(
  name: string,
  unit: string,
  samples: readonly number[],
  baseline: { name: string; samples: readonly number[] },
  extra: FigureExtra = {},
): Figure {
  const { paired, ...rest } = extra;
  const f = figure(name, unit, samples, rest);
  const b = summarize([...baseline.samples]);
  f.baseline = { name: baseline.name, median: b.median, min: b.min, max: b.max };
  if (paired) {
    if (baseline.samples.length !== samples.length)
      throw new RangeError(
        `compared: paired samples need equal counts (${samples.length} vs ${baseline.samples.length})`,
      );
    const ratios = samples.flatMap((x, i) => {
      const y = baseline.samples[i] as number;
      return y === 0 ? [] : [x / y];
    });
    if (ratios.length > 0) {
      const r = summarize(ratios);
      f.ratio = r.median;
      f.ratioRange = { min: r.min, max: r.max };
    }
  } else if (b.median !== 0) {
    f.ratio = f.median / b.median;
  }
  return f;
}

/** Operations per second from a count and an elapsed time in milliseconds. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : Number.POSITIVE_INFINITY;
}

/** `compared` with `paired: true`: sample i and baseline sample i come from the same repetition. */
export function comparedPaired(
  name: string,
  unit: string,
  samples: readonly number[],
  baseline: { name: string; samples: readonly number[] },
  extra: FigureExtra = {},
): Figure {
  return compared(name, unit, samples, baseline, { ...extra, paired: true });
}
