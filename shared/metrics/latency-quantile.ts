/** One cumulative histogram bucket: how many observations were at most `le` (Infinity for +Inf). */
export interface CumulativeBucket {
  le: number;
  count: number;
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside the bucket it falls in,
 * the way Prometheus's histogram_quantile() does: the lowest bucket starts at 0, a quantile in the
 * +Inf bucket answers the highest finite bound, and an empty histogram has no quantile (NaN).
 */
export function histogramQuantile(q: number, buckets: readonly CumulativeBucket[]): number {
  if (!(q >= 0 && q <= 1)) return Number.NaN;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const last = sorted[sorted.length - 1];
  if (!last || last.le !== Number.POSITIVE_INFINITY || sorted.length < 2) return Number.NaN;
  // Rates of counters may dip a hair out of order from float error; a quantile must not go back.
  let running = 0;
  const counts = sorted.map((b) => {
    running = Math.max(running, b.count);
    return running;
  });
  const total = counts[counts.length - 1] as number;
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let i = counts.findIndex((c) => c >= rank);
  if (i < 0) i = counts.length - 1;
  if (i === sorted.length - 1) return (sorted[sorted.length - 2] as CumulativeBucket).le;
  const upper = (sorted[i] as CumulativeBucket).le;
  const lower = i === 0 ? 0 : (sorted[i - 1] as CumulativeBucket).le;
  const below = i === 0 ? 0 : (counts[i - 1] as number);
  const inBucket = (counts[i] as number) - below;
  if (i === 0 && upper <= 0) return upper;
  if (inBucket <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / inBucket);
}

/** Adds two cumulative histograms bucket by bucket (same bounds assumed; missing bounds count 0). */
export function addBuckets(
  a: readonly CumulativeBucket[],
  b: readonly CumulativeBucket[],
): CumulativeBucket[] {
  const byLe = new Map<number, number>();
  for (const x of a) byLe.set(x.le, (byLe.get(x.le) ?? 0) + x.count);
  for (const x of b) byLe.set(x.le, (byLe.get(x.le) ?? 0) + x.count);
  return [...byLe.entries()].sort((x, y) => x[0] - y[0]).map(([le, count]) => ({ le, count }));
}
