import type { VersionLatest, VersionSeries } from '../../../shared/api/metrics-schemas.ts';
import type { VersionWindowStats } from '../../../shared/metrics/health-verdict.ts';
import type { CumulativeBucket } from '../../../shared/metrics/latency-quantile.ts';
import { histogramQuantile } from '../../../shared/metrics/latency-quantile.ts';
import type { MetricsTarget } from './istio-metrics-queries.ts';
import { isFailureCode } from './istio-metrics-queries.ts';
import type { RangeSeries } from './prometheus-client.ts';

/** One step of one version, as rates per second straight from Prometheus. */
interface RawPoint {
  rps: number;
  /** No response (code 0) and 5xx. */
  serverErrorRps: number;
  clientErrorRps: number;
  /** Bucket bound (ms, Infinity for +Inf) → cumulative rate. */
  buckets: Map<number, number>;
}

interface VersionPoints {
  inRelease: boolean;
  points: Map<number, RawPoint>;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

function emptyPoint(): RawPoint {
  return { rps: 0, serverErrorRps: 0, clientErrorRps: 0, buckets: new Map() };
}

/**
 * Per-version rates over the chart window, kept in main between refreshes so each refresh asks
 * Prometheus only for the steps it has not seen, and the verdict can sum counts over its window.
 */
export class VersionBuffer {
  private readonly versions = new Map<string, VersionPoints>();

  constructor(
    private readonly target: MetricsTarget,
    /** Version names in the order the operator knows them (the release's order). */
    order: readonly string[],
  ) {
    for (const v of order) this.versions.set(v, { inRelease: true, points: new Map() });
  }

  private point(labels: Record<string, string>, t: number): RawPoint {
    const { version, inRelease } = this.target.versionOf(labels);
    let entry = this.versions.get(version);
    if (!entry) {
      entry = { inRelease, points: new Map() };
      this.versions.set(version, entry);
    }
    let p = entry.points.get(t);
    if (!p) {
      p = emptyPoint();
      entry.points.set(t, p);
    }
    return p;
  }

  /** Folds the answers of one refresh (both queries) in; values for the same step add up. */
  add(requests: readonly RangeSeries[], latency: readonly RangeSeries[]): void {
    for (const s of requests) {
      const code = s.metric.response_code;
      const server = isFailureCode(code, false);
      const client = !server && isFailureCode(code, true);
      for (const [t, v] of s.points) {
        if (!Number.isFinite(v)) continue;
        const p = this.point(s.metric, t);
        p.rps += v;
        if (server) p.serverErrorRps += v;
        if (client) p.clientErrorRps += v;
      }
    }
    for (const s of latency) {
      const le = s.metric.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.metric.le);
      if (Number.isNaN(le)) continue;
      for (const [t, v] of s.points) {
        if (!Number.isFinite(v)) continue;
        const p = this.point(s.metric, t);
        p.buckets.set(le, (p.buckets.get(le) ?? 0) + v);
      }
    }
  }

  /** Drops steps before `minT` (ms). */
  trim(minT: number): void {
    for (const entry of this.versions.values())
      for (const t of entry.points.keys()) if (t < minT) entry.points.delete(t);
  }

  names(): string[] {
    return [...this.versions.keys()];
  }

  /** The latest step held for any version, or undefined when empty. */
  lastT(): number | undefined {
    let last: number | undefined;
    for (const e of this.versions.values())
      for (const t of e.points.keys()) if (last === undefined || t > last) last = t;
    return last;
  }

  /** Chart series from step `fromT` on (all when absent), every version present. */
  series(count4xxAsErrors: boolean, fromT = Number.NEGATIVE_INFINITY): VersionSeries[] {
    const out: VersionSeries[] = [];
    for (const [version, entry] of this.versions) {
      const s: VersionSeries = {
        version,
        inRelease: entry.inRelease,
        t: [],
        rps: [],
        successRate: [],
        p50: [],
        p95: [],
        p99: [],
      };
      const times = [...entry.points.keys()].filter((t) => t >= fromT).sort((a, b) => a - b);
      for (const t of times) {
        const p = entry.points.get(t) as RawPoint;
        const buckets = bucketList(p.buckets);
        s.t.push(t);
        s.rps.push(p.rps);
        s.successRate.push(successRate(p.rps, failures(p, count4xxAsErrors)));
        s.p50.push(finiteOrNull(histogramQuantile(0.5, buckets)));
        s.p95.push(finiteOrNull(histogramQuantile(0.95, buckets)));
        s.p99.push(finiteOrNull(histogramQuantile(0.99, buckets)));
      }
      out.push(s);
    }
    return out;
  }

  /**
   * Counts over the steps at or after `fromT`: each step's rate × the step length. A rate over a
   * window wider than the step is a moving average, whose sum is still about the count (smeared by
   * one rate window at the edges), so `requests` reads as "about this many".
   */
  windowStats(fromT: number, stepSeconds: number, count4xxAsErrors: boolean): VersionWindowStats[] {
    const out: VersionWindowStats[] = [];
    for (const [version, entry] of this.versions) {
      let requests = 0;
      let failed = 0;
      const sums = new Map<number, number>();
      for (const [t, p] of entry.points) {
        if (t < fromT) continue;
        requests += p.rps * stepSeconds;
        failed += failures(p, count4xxAsErrors) * stepSeconds;
        for (const [le, v] of p.buckets) sums.set(le, (sums.get(le) ?? 0) + v * stepSeconds);
      }
      out.push({ version, requests, failures: failed, buckets: bucketList(sums) });
    }
    return out;
  }

  /**
   * Per version: the values at the latest step held (of any version), and the requests over the
   * verdict window. A version without a point there has no traffic now: its series ended (its pods
   * are gone and their series went stale), and its last rate, however recent, is not its rate now.
   */
  latest(stats: readonly VersionWindowStats[], count4xxAsErrors: boolean): VersionLatest[] {
    const now = this.lastT();
    return [...this.versions].map(([version, entry]) => {
      const p = now === undefined ? undefined : entry.points.get(now);
      const requests = stats.find((s) => s.version === version)?.requests ?? 0;
      if (!p) return { version, rps: null, successRate: null, p50: null, p95: null, p99: null, requests };
      const buckets = bucketList(p.buckets);
      return {
        version,
        rps: p.rps,
        successRate: successRate(p.rps, failures(p, count4xxAsErrors)),
        p50: finiteOrNull(histogramQuantile(0.5, buckets)),
        p95: finiteOrNull(histogramQuantile(0.95, buckets)),
        p99: finiteOrNull(histogramQuantile(0.99, buckets)),
        requests,
      };
    });
  }
}

function failures(p: RawPoint, count4xxAsErrors: boolean): number {
  return p.serverErrorRps + (count4xxAsErrors ? p.clientErrorRps : 0);
}

function successRate(rps: number, failed: number): number | null {
  return rps > 0 ? (100 * Math.max(0, rps - failed)) / rps : null;
}

function bucketList(m: Map<number, number>): CumulativeBucket[] {
  return [...m].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}
