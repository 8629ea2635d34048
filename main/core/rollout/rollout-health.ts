// The gate before promoting: is the version being released as healthy as the stable one it
// replaces? Two instant queries over the verdict window (requests by code, the latency histogram)
// for exactly that pair, judged by the same verdict the comparison card shows.

import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { HealthVerdict, VersionWindowStats } from '../../../shared/metrics/health-verdict.ts';
import { judgeCanary } from '../../../shared/metrics/health-verdict.ts';
import { NOT_DELIVERED } from '../../../shared/metrics/not-delivered.ts';
import {
  isFailureCode,
  selector,
  targetOf,
  undeliveredSelector,
  VERSION_LABELS,
} from '../metrics/istio-metrics-queries.ts';
import type { PrometheusClient } from '../metrics/prometheus-client.ts';

export const PROMOTE_VERDICT_WINDOW_SECONDS = 300;

/** What the gate knows: a verdict, or why there is none (no Prometheus, a failed query). */
export type ReleaseHealth =
  | { status: HealthVerdict['status']; canary: string; stable: string; verdict: HealthVerdict }
  | { status: 'unknown'; canary: string; stable: string; reason: string };

export function healthSummary(h: ReleaseHealth): string {
  return h.status === 'unknown' ? `no health verdict for ${h.canary}: ${h.reason}` : h.verdict.summary;
}

function statsOf(version: string, stats: Map<string, VersionWindowStats>): VersionWindowStats {
  let s = stats.get(version);
  if (!s) {
    s = { version, requests: 0, failures: 0, buckets: [] };
    stats.set(version, s);
  }
  return s;
}

/** Each version's requests, failures and latency histogram over the last `windowSeconds`, from Prometheus. */
export async function windowStats(opts: {
  client: PrometheusClient;
  release: ServiceRelease;
  windowSeconds: number;
  count4xxAsErrors?: boolean;
}): Promise<Map<string, VersionWindowStats>> {
  const { windowSeconds } = opts;
  const target = targetOf(opts.release);
  const by = VERSION_LABELS.join(', ');
  const sel = selector(target);
  const [requests, latency] = await Promise.all([
    // With the requests no version received (the callers' reports): the NOT_DELIVERED series.
    opts.client.instant(
      `sum by (${by}, response_code) (increase(istio_requests_total{${sel}}[${windowSeconds}s]) or increase(istio_requests_total{${undeliveredSelector(target)}}[${windowSeconds}s]))`,
    ),
    opts.client.instant(
      `sum by (${by}, le) (increase(istio_request_duration_milliseconds_bucket{${sel}}[${windowSeconds}s]))`,
    ),
  ]);
  const stats = new Map<string, VersionWindowStats>();
  for (const r of requests) {
    if (!Number.isFinite(r.value)) continue;
    const s = statsOf(target.versionOf(r.metric).version, stats);
    s.requests += r.value;
    if (isFailureCode(r.metric.response_code, opts.count4xxAsErrors ?? false)) s.failures += r.value;
  }
  const buckets = new Map<string, Map<number, number>>();
  for (const r of latency) {
    const le = r.metric.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(r.metric.le);
    if (Number.isNaN(le) || !Number.isFinite(r.value)) continue;
    const version = target.versionOf(r.metric).version;
    const m = buckets.get(version) ?? new Map<number, number>();
    m.set(le, (m.get(le) ?? 0) + r.value);
    buckets.set(version, m);
  }
  for (const [version, m] of buckets)
    statsOf(version, stats).buckets = [...m]
      .sort((a, b) => a[0] - b[0])
      .map(([le, count]) => ({ le, count }));
  return stats;
}

/** One version's window from `windowStats` (no requests when Prometheus saw none). */
export function versionStats(stats: Map<string, VersionWindowStats>, version: string): VersionWindowStats {
  return stats.get(version) ?? { version, requests: 0, failures: 0, buckets: [] };
}

/** How many requests in `windowStats`' window reached no version of the release. */
export function undeliveredIn(stats: Map<string, VersionWindowStats>): number {
  return stats.get(NOT_DELIVERED)?.requests ?? 0;
}

/** Judges `canary` against `stable` over the last `windowSeconds`, from Prometheus's own counters. */
export async function judgeRelease(opts: {
  client: PrometheusClient;
  release: ServiceRelease;
  canary: string;
  stable: string;
  windowSeconds?: number;
  count4xxAsErrors?: boolean;
}): Promise<HealthVerdict> {
  const windowSeconds = opts.windowSeconds ?? PROMOTE_VERDICT_WINDOW_SECONDS;
  const stats = await windowStats({ ...opts, windowSeconds });
  const stable = stats.get(opts.stable);
  return judgeCanary({
    canary: versionStats(stats, opts.canary),
    ...(stable ? { stable } : {}),
    undelivered: undeliveredIn(stats),
    windowSeconds,
  });
}
