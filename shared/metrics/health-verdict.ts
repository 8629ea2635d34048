import type { CumulativeBucket } from './latency-quantile.ts';
import { histogramQuantile } from './latency-quantile.ts';

// Whether a canary serves as well as the stable version, said plainly. Pure: main folds
// Prometheus answers into window totals, and this decides. The wizard and the comparison card
// both read the same verdict.

/** One version's traffic over the judged window: counts, not rates. */
export interface VersionWindowStats {
  version: string;
  requests: number;
  /** Requests that count as failed (5xx, and 4xx when the operator says so). */
  failures: number;
  /** The latency histogram over the window, cumulative counts, bounds in milliseconds. */
  buckets: CumulativeBucket[];
}

export interface VerdictThresholds {
  /** Fewer requests than this in the window and the canary is not judged yet. */
  minRequests: number;
  /** How many percentage points of success rate the canary may lose against stable. */
  maxSuccessRateDropPoints: number;
  /** Canary p95 above stable p95 × this counts as slower… */
  maxP95Ratio: number;
  /** …but only when it is also this many milliseconds slower (small services jitter). */
  minP95IncreaseMs: number;
  /** Without a stable baseline: the least success rate in percent… */
  absoluteMinSuccessRate: number;
  /** …and the most p95 latency in milliseconds. */
  absoluteMaxP95Ms: number;
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = {
  minRequests: 100,
  maxSuccessRateDropPoints: 1,
  // Istio's latency buckets are coarse (25, 50, 100, 250 ms): interpolation inside one bucket can
  // be off by a fifth, so only a p95 half again as high, and 20 ms more, counts as slower.
  maxP95Ratio: 1.5,
  minP95IncreaseMs: 20,
  absoluteMinSuccessRate: 99,
  absoluteMaxP95Ms: 1000,
};

export type VerdictStatus = 'healthy' | 'worse' | 'not-enough-traffic';
export type VerdictMetric = 'success-rate' | 'p95-latency';

export interface VerdictFinding {
  metric: VerdictMetric;
  canary: number | null;
  /** Stable's value, or the absolute threshold when there is no baseline. */
  baseline: number | null;
  worse: boolean;
  text: string;
}

export interface HealthVerdict {
  status: VerdictStatus;
  canary: string;
  /** The stable version compared against, or null when absolute thresholds were used. */
  baseline: string | null;
  windowSeconds: number;
  canaryRequests: number;
  baselineRequests: number;
  findings: VerdictFinding[];
  /** One or two plain sentences for the operator. */
  summary: string;
}

export interface VerdictInput {
  canary: VersionWindowStats;
  stable?: VersionWindowStats;
  /**
   * Requests to the release's hosts that reached no version in the window: only the callers'
   * proxies saw them (a subset with no ready pods, or none defined). Neither version's own figures
   * hold them, so a canary whose pods are gone would otherwise be judged on its earlier requests.
   */
  undelivered?: number;
  windowSeconds: number;
  thresholds?: Partial<VerdictThresholds>;
}

/** Two standard errors: below this a difference in error rates may be chance. */
const SIGNIFICANT_Z = 2;

export function successRatePercent(s: VersionWindowStats): number | null {
  return s.requests > 0 ? (100 * (s.requests - Math.min(s.failures, s.requests))) / s.requests : null;
}

export function p95Ms(s: VersionWindowStats): number | null {
  const v = histogramQuantile(0.95, s.buckets);
  return Number.isFinite(v) ? v : null;
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'the last hour' : `the last ${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'the last minute' : `the last ${seconds / 60} minutes`;
  return `the last ${seconds} s`;
}

const pct = (v: number | null) =>
  v === null ? 'n/a' : `${v >= 99.95 && v < 100 ? v.toFixed(2) : v.toFixed(1)}%`;
const ms = (v: number | null) => (v === null ? 'n/a' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);

/** Whether the canary's failure share exceeds the baseline's by more than chance (two-proportion z). */
export function significantlyMoreFailures(
  c: VersionWindowStats,
  b: { requests: number; failures: number },
): boolean {
  const p1 = c.failures / c.requests;
  const p2 = b.failures / b.requests;
  const pooled = (c.failures + b.failures) / (c.requests + b.requests);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / c.requests + 1 / b.requests));
  if (se === 0) return p1 > p2;
  return (p1 - p2) / se >= SIGNIFICANT_Z;
}

function significantlyBelow(c: VersionWindowStats, minSuccessPercent: number): boolean {
  const p0 = 1 - minSuccessPercent / 100;
  const p = c.failures / c.requests;
  const se = Math.sqrt((p0 * (1 - p0)) / c.requests);
  if (se === 0) return p > p0;
  return (p - p0) / se >= SIGNIFICANT_Z;
}

function againstStable(c: VersionWindowStats, s: VersionWindowStats, t: VerdictThresholds): VerdictFinding[] {
  const findings: VerdictFinding[] = [];
  const cSr = successRatePercent(c);
  const sSr = successRatePercent(s);
  if (cSr !== null && sSr !== null) {
    const drop = sSr - cSr;
    const worse = drop > t.maxSuccessRateDropPoints && significantlyMoreFailures(c, s);
    findings.push({
      metric: 'success-rate',
      canary: cSr,
      baseline: sSr,
      worse,
      text: worse
        ? `success rate ${pct(cSr)} against ${pct(sSr)} (${drop.toFixed(1)} points lower)`
        : `success rate ${pct(cSr)} against ${pct(sSr)}`,
    });
  }
  const cP95 = p95Ms(c);
  const sP95 = p95Ms(s);
  if (cP95 !== null && sP95 !== null) {
    const worse = cP95 > sP95 * t.maxP95Ratio && cP95 - sP95 > t.minP95IncreaseMs;
    findings.push({
      metric: 'p95-latency',
      canary: cP95,
      baseline: sP95,
      worse,
      text: worse
        ? `p95 latency ${ms(cP95)} against ${ms(sP95)} (${(cP95 / sP95).toFixed(1)}× slower)`
        : `p95 latency ${ms(cP95)} against ${ms(sP95)}`,
    });
  }
  return findings;
}

function againstThresholds(c: VersionWindowStats, t: VerdictThresholds): VerdictFinding[] {
  const findings: VerdictFinding[] = [];
  const cSr = successRatePercent(c);
  if (cSr !== null) {
    const worse = cSr < t.absoluteMinSuccessRate && significantlyBelow(c, t.absoluteMinSuccessRate);
    findings.push({
      metric: 'success-rate',
      canary: cSr,
      baseline: t.absoluteMinSuccessRate,
      worse,
      text: `success rate ${pct(cSr)} (${worse ? 'below' : 'against'} the ${pct(t.absoluteMinSuccessRate)} floor)`,
    });
  }
  const cP95 = p95Ms(c);
  if (cP95 !== null) {
    const worse = cP95 > t.absoluteMaxP95Ms;
    findings.push({
      metric: 'p95-latency',
      canary: cP95,
      baseline: t.absoluteMaxP95Ms,
      worse,
      text: `p95 latency ${ms(cP95)} (${worse ? 'above' : 'against'} the ${ms(t.absoluteMaxP95Ms)} ceiling)`,
    });
  }
  return findings;
}

/**
 * Judges a canary against the stable version over one window, or against absolute thresholds
 * when stable has too little traffic to compare with. A canary below `minRequests` is not judged:
 * a handful of requests says nothing about a 1% error rate.
 */
export function judgeCanary(input: VerdictInput): HealthVerdict {
  const t: VerdictThresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const { canary, stable, windowSeconds } = input;
  const when = describeWindow(windowSeconds);
  const useStable = stable !== undefined && stable.requests >= t.minRequests;
  const base = {
    canary: canary.version,
    baseline: useStable ? stable.version : null,
    windowSeconds,
    canaryRequests: Math.round(canary.requests),
    baselineRequests: Math.round(stable?.requests ?? 0),
  };
  const lost = Math.round(input.undelivered ?? 0);
  if (lost > 0) {
    return {
      ...base,
      status: 'worse',
      findings: [],
      summary: `${lost} request(s) reached no version over ${when}: the mesh answered them itself (a subset with no ready pods, or none defined). ${canary.version} cannot be judged healthy while requests are lost.`,
    };
  }
  if (canary.requests < t.minRequests) {
    return {
      ...base,
      status: 'not-enough-traffic',
      findings: [],
      summary: `Not enough traffic yet: ${canary.version} served ${Math.round(canary.requests)} request(s) in ${when}; at least ${t.minRequests} are needed to judge it.`,
    };
  }
  const findings = useStable ? againstStable(canary, stable, t) : againstThresholds(canary, t);
  const worse = findings.filter((f) => f.worse);
  const against = useStable ? `than ${stable.version}` : 'than the thresholds allow';
  const next = useStable ? `next to ${stable.version}` : 'against the absolute thresholds';
  const summary =
    worse.length > 0
      ? `${canary.version} is worse ${against} over ${when}: ${worse.map((f) => f.text).join('; ')}.`
      : `${canary.version} looks healthy ${next} over ${when}${findings.length ? `: ${findings.map((f) => f.text).join('; ')}` : ''}.`;
  return { ...base, status: worse.length > 0 ? 'worse' : 'healthy', findings, summary };
}
