import { describe, expect, it } from 'vitest';
import type { MetricsTarget } from '../../../main/core/metrics/istio-metrics-queries.ts';
import type { RangeSeries } from '../../../main/core/metrics/prometheus-client.ts';
import { VersionBuffer } from '../../../main/core/metrics/version-series.ts';

// After a rollback v2's pods are deleted: their sidecars' series go stale, so Prometheus answers no
// point for v2 after that. v2's "now" is no traffic, not the rate of its last point minutes ago (the
// cards and the measured split would go on showing v2 taking a share it no longer has).
const target: MetricsTarget = {
  services: ['reviews.shop.svc.cluster.local'],
  versionOf: (labels) => ({ version: labels.destination_version ?? 'unknown', inRelease: true }),
};
const series = (version: string, points: Array<[number, number]>): RangeSeries => ({
  metric: {
    reporter: 'destination',
    destination_service: 'reviews.shop.svc.cluster.local',
    destination_version: version,
    response_code: '200',
  },
  points,
});

describe('the latest figures of a version whose series ended', () => {
  it('say no traffic now, while the chart keeps its earlier points', () => {
    const buffer = new VersionBuffer(target, ['v1', 'v2']);
    buffer.add(
      [
        series('v1', [
          [15_000, 8],
          [30_000, 8],
          [45_000, 10],
        ]),
        series('v2', [
          [15_000, 2],
          [30_000, 2],
        ]),
      ],
      [],
    );
    const latest = new Map(buffer.latest([], false).map((l) => [l.version, l]));
    expect(latest.get('v1')?.rps).toBe(10);
    expect(latest.get('v2')?.rps).toBeNull();
    expect(buffer.series(false).find((s) => s.version === 'v2')?.rps).toEqual([2, 2]);
  });
});
