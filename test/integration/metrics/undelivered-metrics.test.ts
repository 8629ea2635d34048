// Requests that reach no version (the caller's proxy answers them itself: 503 when a subset has no
// pods) are part of what the live metrics show, as their own series: without them a route sending
// a version's share to a subset that selects nothing showed every version healthy. Checked against
// the demo mesh's Prometheus.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { metricsOverDemo, PAYMENT, sharesOf, waitFor } from './metrics-harness.ts';

describe('requests that reach no version, in the live metrics', () => {
  let mesh: DemoMesh;
  let rig: Awaited<ReturnType<typeof metricsOverDemo>>;

  beforeAll(async () => {
    mesh = await startDemoMesh({
      seed: 1,
      requestsPerSecond: 400,
      podReadyDelayMs: 0,
      scrapeIntervalMs: 1000,
    });
    rig = await metricsOverDemo(mesh);
  }, 30_000);

  afterAll(async () => {
    await rig?.dispose();
    await mesh?.stop();
  });

  it('shows payment v2’s share as "not delivered", failing, once its subset selects no pod', async () => {
    // payment's catch-all is v1 90 / v2 10; v2's subset now selects version=v9, which no pod has.
    const type = mesh.store.typeFor('networking.istio.io/v1', 'DestinationRule');
    if (!type) throw new Error('no DestinationRule type');
    const dr = structuredClone(mesh.store.get(type, 'shop', 'payment'));
    if (!dr) throw new Error('no payment DestinationRule');
    const subsets = (dr.spec as { subsets: Array<{ name: string; labels: Record<string, string> }> }).subsets;
    const v2 = subsets.find((s) => s.name === 'v2');
    if (!v2) throw new Error('no v2 subset');
    v2.labels = { ...v2.labels, version: 'v9' };
    mesh.store.update(dr);

    const snap = await waitFor(
      'undelivered requests to payment',
      60_000,
      async () => {
        const s = await rig.metrics.subscribe({ contextId: 'demo', releaseId: PAYMENT, windowSeconds: 300 });
        const lost = s.latest.find((l) => l.version === 'not delivered');
        return lost && (lost.rps ?? 0) > 0 && lost.successRate !== null && lost.successRate < 1
          ? s
          : undefined;
      },
      2000,
    );
    const lost = snap.series.find((x) => x.version === 'not delivered');
    expect(lost?.inRelease).toBe(false);
    // What the caller's proxies said: 503s for the requests sent to payment's v2.
    expect(snap.latest.find((l) => l.version === 'v1')?.successRate).toBeGreaterThan(95);
    expect(sharesOf(snap)['not delivered']).toBeGreaterThan(0);
  }, 70_000);
});
