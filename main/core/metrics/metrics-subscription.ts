import type { MetricsSnapshot, PrometheusSourceView } from '../../../shared/api/metrics-schemas.ts';
import { versionsReceivingTraffic } from '../../../shared/mesh/evaluate/index.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { HealthVerdict } from '../../../shared/metrics/health-verdict.ts';
import { judgeCanary } from '../../../shared/metrics/health-verdict.ts';
import { NOT_DELIVERED } from '../../../shared/metrics/not-delivered.ts';
import { latencyQuery, requestsQuery, targetOf } from './istio-metrics-queries.ts';
import type { PrometheusClient } from './prometheus-client.ts';
import { VersionBuffer } from './version-series.ts';

export interface SubscriptionSpec {
  contextId: string;
  releaseId: string;
  intervalMs: number;
  windowSeconds: number;
  count4xxAsErrors: boolean;
}

export interface SubscriptionDependencies {
  client: PrometheusClient;
  source: PrometheusSourceView;
  /** The release as the cache has it now (the split may move between refreshes). */
  release: () => ServiceRelease | undefined;
  now: () => number;
  /** The verdict looks at this much of the most recent traffic (default 5 minutes). */
  verdictWindowSeconds?: number;
}

export const DEFAULT_INTERVAL_MS = 5000;
export const DEFAULT_WINDOW_SECONDS = 900;
export const DEFAULT_VERDICT_WINDOW_SECONDS = 300;
/** At most this many steps per chart: enough for a smooth line, few enough to redraw cheaply. */
const MAX_POINTS = 240;
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** The chart resolution: never finer than the refresh interval, at most MAX_POINTS steps. */
export function stepSecondsFor(windowSeconds: number, intervalMs: number): number {
  const wanted = Math.max(intervalMs / 1000, windowSeconds / MAX_POINTS);
  return NICE_STEPS.find((s) => s >= wanted) ?? Math.ceil(wanted);
}

/**
 * The rate() window: Kiali's default of one minute (four scrapes at Prometheus's usual 15 s, so
 * a missed scrape does not empty a point), widened to the step so no request falls between steps.
 */
export function rateWindowSecondsFor(stepSeconds: number): number {
  return Math.max(60, stepSeconds);
}

/**
 * Stable: the version with most of the default route; canaries: every other version that receives
 * traffic, through a catch-all weight or a content rule (a rule's target after "all traffic to v1"
 * still takes requests, so it is still compared). A mirror's target is a canary too: the copies it
 * answers are what a shadow test judges, at 100/0 as much as during a split.
 */
export function rolesOf(release: ServiceRelease | undefined): { stable?: string; canaries: string[] } {
  const dests = [...(release?.defaultRoute?.destinations ?? [])]
    .filter((d) => d.weight > 0)
    .sort((a, b) => b.weight - a.weight);
  const stable = dests[0]?.version;
  const receiving = release ? versionsReceivingTraffic(release) : [];
  const mirrored = (release?.mirrors ?? []).flatMap((m) => (m.version !== undefined ? [m.version] : []));
  const canaries = [
    ...new Set([
      ...dests.slice(1).map((d) => d.version),
      ...receiving.filter((v) => v !== stable && !dests.some((d) => d.version === v)),
      ...mirrored.filter((v) => v !== stable),
    ]),
  ];
  return stable ? { stable, canaries } : { canaries };
}

/**
 * One service's live metrics: the first refresh reads the whole window, each later one only the
 * steps since the last (two range queries either way), and the verdict is recomputed from what
 * main holds.
 */
export function createMetricsSubscription(spec: SubscriptionSpec, deps: SubscriptionDependencies) {
  const stepSeconds = stepSecondsFor(spec.windowSeconds, spec.intervalMs);
  const stepMs = stepSeconds * 1000;
  const rateWindow = rateWindowSecondsFor(stepSeconds);
  const verdictWindow = Math.min(
    spec.windowSeconds,
    deps.verdictWindowSeconds ?? DEFAULT_VERDICT_WINDOW_SECONDS,
  );
  const initial = deps.release();
  if (!initial) throw new Error(`no service '${spec.releaseId}' in this cluster`);
  let lastT: number | undefined;
  /**
   * What the queries select and how answers map to versions, from the release as it is now: a
   * version or backend Service added while the view is open is queried (and shown) from the next
   * refresh, which then reads the whole window again.
   */
  const keyOf = (release: ServiceRelease) =>
    JSON.stringify([release.host, release.versions.map((v) => [v.name, v.fqdn, v.labels])]);
  let reading = readingOf(initial);
  function readingOf(release: ServiceRelease) {
    const target = targetOf(release);
    return {
      key: keyOf(release),
      buffer: new VersionBuffer(
        target,
        release.versions.map((v) => v.name),
      ),
      queries: { requests: requestsQuery(target, rateWindow), latency: latencyQuery(target, rateWindow) },
    };
  }
  function currentReading() {
    const release = deps.release();
    if (!release || keyOf(release) === reading.key) return reading;
    reading = readingOf(release);
    lastT = undefined;
    return reading;
  }

  function base(): Omit<MetricsSnapshot, 'mode' | 'state' | 'series' | 'latest' | 'verdicts' | 'queries'> {
    const roles = rolesOf(deps.release() ?? initial);
    return {
      contextId: spec.contextId,
      releaseId: spec.releaseId,
      source: deps.source,
      intervalMs: spec.intervalMs,
      windowSeconds: spec.windowSeconds,
      stepSeconds,
      count4xxAsErrors: spec.count4xxAsErrors,
      ...(roles.stable ? { stable: roles.stable } : {}),
      canaries: roles.canaries,
      updatedAt: deps.now(),
    };
  }

  function verdicts(end: number, snapshotBase: ReturnType<typeof base>) {
    const stats = reading.buffer.windowStats(
      end - verdictWindow * 1000 + 1,
      stepSeconds,
      spec.count4xxAsErrors,
    );
    const byVersion = new Map(stats.map((s) => [s.version, s]));
    const stable = snapshotBase.stable ? byVersion.get(snapshotBase.stable) : undefined;
    const out: HealthVerdict[] = [];
    for (const canary of snapshotBase.canaries) {
      const c = byVersion.get(canary) ?? { version: canary, requests: 0, failures: 0, buckets: [] };
      const undelivered = byVersion.get(NOT_DELIVERED)?.requests ?? 0;
      out.push(
        judgeCanary({ canary: c, ...(stable ? { stable } : {}), undelivered, windowSeconds: verdictWindow }),
      );
    }
    return { stats, verdicts: out };
  }

  return {
    spec,
    stepSeconds,
    get queries() {
      return reading.queries;
    },
    /**
     * Runs one batch (two range queries) and answers the snapshot: 'replace' the first time,
     * then 'append' with only the new steps; null when no new step has begun since the last.
     */
    async refresh(): Promise<MetricsSnapshot | null> {
      const { buffer, queries } = currentReading();
      const end = Math.floor(deps.now() / stepMs) * stepMs;
      const windowStart = end - spec.windowSeconds * 1000;
      const mode = lastT === undefined || lastT + stepMs < windowStart ? 'replace' : 'append';
      const start = mode === 'replace' ? windowStart + stepMs : (lastT as number) + stepMs;
      if (start > end) return null;
      const [requests, latency] = await Promise.all([
        deps.client.range(queries.requests, start, end, stepMs),
        deps.client.range(queries.latency, start, end, stepMs),
      ]);
      if (mode === 'replace') buffer.trim(Number.POSITIVE_INFINITY);
      buffer.add(requests, latency);
      buffer.trim(windowStart + stepMs);
      // Nothing in the window yet (Prometheus just started scraping, or no traffic): the next
      // refresh reads the whole window again rather than only the steps after this empty one.
      lastT = buffer.lastT() === undefined ? undefined : end;
      const b = base();
      const { stats, verdicts: vs } = verdicts(end, b);
      return {
        ...b,
        mode,
        state: 'live',
        series: buffer.series(spec.count4xxAsErrors, mode === 'replace' ? Number.NEGATIVE_INFINITY : start),
        latest: buffer.latest(stats, spec.count4xxAsErrors),
        verdicts: vs,
        queries: 2,
      };
    },
    /** A snapshot without numbers: paused, no Prometheus, or a failed refresh. */
    stateOnly(state: 'paused' | 'error' | 'no-prometheus', message?: string): MetricsSnapshot {
      return {
        ...base(),
        mode: 'append',
        state,
        ...(message ? { message } : {}),
        series: [],
        latest: [],
        verdicts: [],
        queries: 0,
      };
    },
  };
}

export type MetricsSubscription = ReturnType<typeof createMetricsSubscription>;
