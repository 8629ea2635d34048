import type { MetricsSnapshot, VersionLatest } from '../../../shared/api/metrics-schemas.ts';

/** A metrics snapshot with these latest rows (rate and success rate; the rest null) and no series. */
export function snapshotWithLatest(
  rows: ReadonlyArray<{ version: string; rps: number | null; successRate?: number | null }>,
  state: MetricsSnapshot['state'] = 'live',
): MetricsSnapshot {
  return {
    contextId: 'c',
    releaseId: 'r',
    mode: 'replace',
    state,
    source: { kind: 'service', description: 'demo' },
    intervalMs: 5000,
    windowSeconds: 900,
    stepSeconds: 15,
    count4xxAsErrors: false,
    canaries: [],
    series: [],
    latest: rows.map(
      (r): VersionLatest => ({
        version: r.version,
        rps: r.rps,
        successRate: r.successRate ?? null,
        p50: null,
        p95: null,
        p99: null,
        requests: 0,
      }),
    ),
    verdicts: [],
    queries: 2,
    updatedAt: 0,
  };
}
