import type { SamplePoints } from './metric-sample-store.ts';

/**
 * rate()/increase() as Prometheus computes them (extrapolatedRate in promql/functions.go):
 * the counter's growth inside the window, corrected for resets, extrapolated towards the window's
 * edges when the first/last samples are close enough to them, and never below zero at the start.
 */
export function extrapolatedRate(
  p: SamplePoints,
  rangeStartMs: number,
  rangeEndMs: number,
  isRate: boolean,
): number | undefined {
  const n = p.values.length;
  if (n < 2) return undefined;
  const first = p.values[0] as number;
  const last = p.values[n - 1] as number;
  const firstT = p.times[0] as number;
  const lastT = p.times[n - 1] as number;
  let result = last - first;
  let prev = first;
  for (let i = 1; i < n; i++) {
    const v = p.values[i] as number;
    if (v < prev) result += prev;
    prev = v;
  }
  const sampled = (lastT - firstT) / 1000;
  if (sampled <= 0) return undefined;
  let toStart = (firstT - rangeStartMs) / 1000;
  const toEnd = (rangeEndMs - lastT) / 1000;
  const averageBetween = sampled / (n - 1);
  if (result > 0 && first >= 0) {
    const toZero = sampled * (first / result);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = averageBetween * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : averageBetween / 2;
  interval += toEnd < threshold ? toEnd : averageBetween / 2;
  let value = result * (interval / sampled);
  if (isRate) value /= (rangeEndMs - rangeStartMs) / 1000;
  return value;
}

/** irate(): the per-second change between the last two samples (a drop counts as a reset). */
export function instantRate(p: SamplePoints): number | undefined {
  const n = p.values.length;
  if (n < 2) return undefined;
  const last = p.values[n - 1] as number;
  const prev = p.values[n - 2] as number;
  const dt = ((p.times[n - 1] as number) - (p.times[n - 2] as number)) / 1000;
  if (dt <= 0) return undefined;
  return (last < prev ? last : last - prev) / dt;
}

export interface Bucket {
  upper: number;
  count: number;
}

/** histogram_quantile() over cumulative buckets, interpolating linearly inside the chosen bucket. */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const buckets = [...input].sort((a, b) => a.upper - b.upper);
  const lastBucket = buckets[buckets.length - 1];
  if (buckets.length < 2 || !lastBucket || lastBucket.upper !== Number.POSITIVE_INFINITY) return Number.NaN;
  // Counts can dip when series are summed across scrapes at slightly different times; Prometheus
  // forces them monotonic before ranking.
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    const prev = buckets[i - 1] as Bucket;
    if (b.count < prev.count) b.count = prev.count;
  }
  const total = lastBucket.count;
  if (total === 0) return Number.NaN;
  let rank = q * total;
  let b = buckets.findIndex((x) => x.count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return (buckets[buckets.length - 2] as Bucket).upper;
  const bucket = buckets[b] as Bucket;
  if (b === 0 && bucket.upper <= 0) return bucket.upper;
  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const prev = buckets[b - 1] as Bucket;
    start = prev.upper;
    count -= prev.count;
    rank -= prev.count;
  }
  if (count === 0) return start;
  return start + (bucket.upper - start) * (rank / count);
}

/** Prometheus' float formatting: shortest round-trip decimal, no exponent, and NaN/+Inf/-Inf. */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  // Go's FormatFloat(v, 'f', -1, 64) writes 1e-7 as 0.0000001 and 1e21 as 1000000000000000000000.
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = `${lead}${frac}`;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits}${'0'.repeat(Math.max(0, exp - frac.length))}`;
}
