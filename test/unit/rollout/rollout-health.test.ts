import { describe, expect, it } from 'vitest';
import type { InstantSample, PrometheusClient } from '../../../main/core/metrics/prometheus-client.ts';
import { healthSummary, judgeRelease } from '../../../main/core/rollout/rollout-health.ts';
import { fakeRelease } from '../metrics/metrics-fixtures.ts';

const BOUNDS = ['25', '50', '100', '250', '+Inf'];

/** Window totals per version: requests by code, and a cumulative latency histogram. */
function prometheus(
  totals: Record<string, { ok: number; failed: number; latency: number[] }>,
): PrometheusClient & { exprs: string[] } {
  const exprs: string[] = [];
  const labels = (v: string) => ({
    destination_service: 'reviews.bookinfo.svc.cluster.local',
    destination_version: v,
  });
  return {
    description: 'fake Prometheus',
    exprs,
    queriesSent: 0,
    async range() {
      throw new Error('the promote gate asks instant queries only');
    },
    async instant(expr): Promise<InstantSample[]> {
      exprs.push(expr);
      const out: InstantSample[] = [];
      for (const [v, t] of Object.entries(totals)) {
        if (expr.includes('istio_requests_total')) {
          out.push({ metric: { ...labels(v), response_code: '200' }, value: t.ok });
          out.push({ metric: { ...labels(v), response_code: '503' }, value: t.failed });
        } else
          BOUNDS.forEach((le, i) => {
            out.push({ metric: { ...labels(v), le }, value: t.latency[i] ?? 0 });
          });
      }
      return out;
    },
  };
}

const release = fakeRelease(['v1', 'v3', 'v4'], [80, 10, 10]);
const fast = (n: number) => [0.9 * n, n, n, n, n];

describe('the promote gate’s verdict', () => {
  it('judges the released version against its own stable version, not the biggest other one', async () => {
    const client = prometheus({
      v1: { ok: 5000, failed: 0, latency: fast(5000) },
      // v4 fails as often as v3, the stable version it was made from; next to v1 it would look worse.
      v3: { ok: 500, failed: 100, latency: fast(600) },
      v4: { ok: 400, failed: 80, latency: fast(480) },
    });
    const verdict = await judgeRelease({ client, release, canary: 'v4', stable: 'v3' });
    expect(verdict).toMatchObject({ canary: 'v4', baseline: 'v3', status: 'healthy' });
    expect(verdict.canaryRequests).toBe(480);
    expect(verdict.baselineRequests).toBe(600);
    const againstV1 = await judgeRelease({ client, release, canary: 'v4', stable: 'v1' });
    expect(againstV1.status).toBe('worse');
    // Two instant queries per verdict over the window, with increase(), for the release's host.
    expect(client.exprs).toHaveLength(4);
    expect(client.exprs.every((e) => e.includes('increase(') && e.includes('[300s]'))).toBe(true);
  });

  it('says worse when the canary fails more than stable, and not-enough-traffic below the minimum', async () => {
    const worse = await judgeRelease({
      client: prometheus({
        v3: { ok: 1000, failed: 0, latency: fast(1000) },
        v4: { ok: 900, failed: 100, latency: fast(1000) },
      }),
      release,
      canary: 'v4',
      stable: 'v3',
    });
    expect(worse.status).toBe('worse');
    expect(worse.summary).toMatch(/v4 is worse than v3/);
    const quiet = await judgeRelease({
      client: prometheus({ v3: { ok: 1000, failed: 0, latency: fast(1000) } }),
      release,
      canary: 'v4',
      stable: 'v3',
    });
    expect(quiet.status).toBe('not-enough-traffic');
    expect(healthSummary({ status: 'unknown', canary: 'v4', stable: 'v3', reason: 'no Prometheus' })).toBe(
      'no health verdict for v4: no Prometheus',
    );
  });
});
