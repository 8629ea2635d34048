import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';
import type { RealPrometheus } from '../../helpers/real-prometheus.ts';
import { havePrometheus, PROMETHEUS_BIN, startRealPrometheus } from '../../helpers/real-prometheus.ts';
import { metricsOverDemo, near, REVIEWS, sharesOf, waitFor } from './metrics-harness.ts';

/** What the real Prometheus itself computes: requests per second of reviews per version at `t`. */
async function realRps(prom: RealPrometheus, timeMs: number): Promise<Record<string, number>> {
  const q =
    'sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service="reviews.bookinfo.svc.cluster.local"}[60s]))';
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${timeMs / 1000}`);
  const body = (await res.json()) as {
    data: { result: Array<{ metric: { destination_version?: string }; value: [number, string] }> };
  };
  return Object.fromEntries(
    body.data.result.map((r) => [r.metric.destination_version ?? '', Number(r.value[1])]),
  );
}

const lastT = (s: MetricsSnapshot) => Math.max(...s.series.flatMap((x) => x.t));
const within = (a: number, b: number, fraction: number) => Math.abs(a - b) <= fraction * Math.max(a, b);

describe.skipIf(!havePrometheus)(
  `live metrics against a real Prometheus scraping the demo mesh (skipped: no Prometheus binary at ${PROMETHEUS_BIN}; apt-get install prometheus)`,
  () => {
    let mesh: DemoMesh;
    let prom: RealPrometheus;
    let rig: Awaited<ReturnType<typeof metricsOverDemo>>;

    beforeAll(async () => {
      mesh = await startDemoMesh({ seed: 2, requestsPerSecond: 200, podReadyDelayMs: 0 });
      prom = await startRealPrometheus(mesh);
      rig = await metricsOverDemo(mesh);
    }, 40_000);

    afterAll(async () => {
      await rig?.dispose();
      await prom?.stop();
      await mesh?.stop();
    });

    it('reads requests per second per version within 5% of what the real Prometheus computes', async () => {
      // Both rates cover a full minute of samples once the demo has run for a minute and a bit.
      let last = '';
      const agreed = await waitFor(
        'the demo Prometheus and the real one to agree',
        100_000,
        async () => {
          const s = await rig.metrics.subscribe({
            contextId: 'demo',
            releaseId: REVIEWS,
            intervalMs: 5000,
          });
          const t = lastT(s);
          const real = await realRps(prom, t);
          const ours = Object.fromEntries(s.latest.map((l) => [l.version, l.rps ?? 0]));
          last = `ours ${JSON.stringify(ours)} real ${JSON.stringify(real)}`;
          const ok = ['v1', 'v2', 'v3'].every(
            (v) => (real[v] ?? 0) > 0 && within(ours[v] ?? 0, real[v] ?? 0, 0.05),
          );
          return ok ? { s, real, ours } : undefined;
        },
        3000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last: ${last}; prometheus log: ${prom.log()}`);
      });
      for (const v of ['v1', 'v2', 'v3'])
        expect(within(agreed.ours[v] ?? 0, agreed.real[v] ?? 0, 0.05), last).toBe(true);
      expect(
        near(sharesOf(agreed.s), { v1: 80, v2: 10, v3: 10 }, 5),
        JSON.stringify(sharesOf(agreed.s)),
      ).toBe(true);
    }, 120_000);

    it('reads the real Prometheus at a URL set for the context, with a bearer token, and sees the same split', async () => {
      const set = await rig.metrics.setSettings({
        contextId: 'demo',
        url: prom.url,
        auth: { kind: 'bearer', token: 'not-checked-by-this-prometheus' },
      });
      expect(set).toEqual({ contextId: 'demo', url: prom.url, authKind: 'bearer' });
      const s = await rig.metrics.subscribe({ contextId: 'demo', releaseId: REVIEWS });
      expect(s.state).toBe('live');
      expect(s.source).toEqual({ kind: 'url', description: `Prometheus at ${prom.url}` });
      expect(near(sharesOf(s), { v1: 80, v2: 10, v3: 10 }, 5), JSON.stringify(sharesOf(s))).toBe(true);
      const v3 = s.verdicts.find((v) => v.canary === 'v3');
      expect(v3?.status, v3?.summary).toBe('worse');
      await rig.metrics.setSettings({ contextId: 'demo', url: null });
      const back = await rig.metrics.subscribe({ contextId: 'demo', releaseId: REVIEWS });
      expect(back.source.kind).toBe('service');
    }, 30_000);
  },
);
