import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';
import { metricsOverDemo, near, PAYMENT, REVIEWS, sharesOf, waitFor } from './metrics-harness.ts';

describe("live metrics from the demo mesh's Prometheus, through the API server's service proxy", () => {
  let mesh: DemoMesh;
  let rig: Awaited<ReturnType<typeof metricsOverDemo>>;

  beforeAll(async () => {
    mesh = await startDemoMesh({ seed: 1, requestsPerSecond: 400, podReadyDelayMs: 0 });
    rig = await metricsOverDemo(mesh);
  }, 30_000);

  afterAll(async () => {
    await rig?.dispose();
    await mesh?.stop();
  });

  const judged = (releaseId: string, canary: string) =>
    waitFor(
      `a verdict on ${canary} of ${releaseId}`,
      60_000,
      async () => {
        const s = await rig.metrics.subscribe({
          contextId: 'demo',
          releaseId,
          windowSeconds: 300,
        });
        const v = s.verdicts.find((x) => x.canary === canary);
        return v && v.status !== 'not-enough-traffic' ? { snapshot: s, verdict: v } : undefined;
      },
      2000,
    );

  it('finds the Prometheus service and shows requests per second per version in the configured split', async () => {
    const s = await waitFor('traffic to reviews', 30_000, async () => {
      const snap = await rig.metrics.subscribe({ contextId: 'demo', releaseId: REVIEWS });
      return snap.latest.some((l) => (l.rps ?? 0) > 0) && near(sharesOf(snap), { v1: 80, v2: 10, v3: 10 }, 5)
        ? snap
        : undefined;
    });
    expect(s.state).toBe('live');
    expect(s.source.kind).toBe('service');
    expect(s.mode).toBe('replace');
    expect(s.queries).toBeLessThanOrEqual(3);
    expect(s.stable).toBe('v1');
    expect(s.canaries.sort()).toEqual(['v2', 'v3']);
    expect(s.series.map((x) => x.version)).toEqual(expect.arrayContaining(['v1', 'v2', 'v3']));
    const v1 = s.series.find((x) => x.version === 'v1');
    expect(v1?.t.length).toBeGreaterThan(0);
    expect(v1?.t.length).toBe(v1?.rps.length);
    expect(v1?.p95.some((p) => p !== null && p > 0)).toBe(true);
  }, 45_000);

  it('judges reviews v3 (2% 5xx, slower) worse than v1, and says in what', async () => {
    const { verdict } = await judged(REVIEWS, 'v3');
    expect(verdict.status).toBe('worse');
    expect(verdict.baseline).toBe('v1');
    const worseIn = verdict.findings.filter((f) => f.worse).map((f) => f.metric);
    expect(worseIn).toContain('success-rate');
    expect(worseIn).toContain('p95-latency');
    expect(verdict.summary).toMatch(/^v3 is worse than v1/);
  }, 70_000);

  it('judges the healthy canary (payment v2, same profile as v1) healthy', async () => {
    const payment = await judged(PAYMENT, 'v2');
    expect(payment.verdict.status, payment.verdict.summary).toBe('healthy');
    expect(payment.snapshot.stable).toBe('v1');
  }, 70_000);

  it('streams appended points at the interval and pauses while the window is hidden', async () => {
    rig.updates.length = 0;
    const first = await rig.metrics.subscribe({
      contextId: 'demo',
      releaseId: REVIEWS,
      intervalMs: 1000,
      windowSeconds: 300,
    });
    const lastT = Math.max(...first.series.flatMap((s) => s.t));
    const next = await waitFor<MetricsSnapshot>('an update', 10_000, async () => rig.updates[0], 200);
    expect(next.mode).toBe('append');
    expect(next.state).toBe('live');
    const appended = next.series.flatMap((s) => s.t);
    expect(appended.length).toBeGreaterThan(0);
    expect(Math.min(...appended)).toBeGreaterThan(lastT);

    expect(await rig.metrics.setVisibility({ visible: false })).toEqual({ paused: true });
    await new Promise((r) => setTimeout(r, 1200));
    const before = rig.updates.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(rig.updates.length).toBe(before);
    await rig.metrics.setVisibility({ visible: true });
    await waitFor(
      'an update after showing the window again',
      5000,
      async () => (rig.updates.length > before ? true : undefined),
      200,
    );
    expect(await rig.metrics.unsubscribe({ contextId: 'demo', releaseId: REVIEWS })).toEqual({
      unsubscribed: true,
    });
  }, 30_000);
});
