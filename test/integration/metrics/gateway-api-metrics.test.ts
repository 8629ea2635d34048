// Live metrics of HTTPRoute releases from the demo mesh's Prometheus: the catalog (sidecars, each
// version under its backend Service's FQDN) and the ambient accounts (reported by the waypoint only).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { metricsOverDemo, sharesOf, waitFor } from './metrics-harness.ts';

describe('live metrics of HTTPRoute releases from the demo mesh', () => {
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

  const trafficTo = (releaseId: string, versions: string[]) =>
    waitFor(
      `traffic to ${versions.join(' and ')}`,
      30_000,
      async () => {
        const snap = await rig.metrics.subscribe({ contextId: 'demo', releaseId });
        return versions.every((v) => (snap.latest.find((l) => l.version === v)?.rps ?? 0) > 0)
          ? snap
          : undefined;
      },
      1000,
    );

  it('shows the catalog per version, told apart by the backend Service each request reached', async () => {
    const snap = await trafficTo('gateway-api:storefront/catalog', ['catalog-v1', 'catalog-v2']);
    expect(snap.latest.map((l) => l.version).sort()).toEqual(['catalog-v1', 'catalog-v2']);
    expect(sharesOf(snap)['catalog-v1']).toBeGreaterThan(sharesOf(snap)['catalog-v2'] ?? 100);
  }, 45_000);

  it('shows the ambient accounts from the waypoint reports (no sidecar reports them)', async () => {
    const snap = await trafficTo('gateway-api:ledger/accounts', ['accounts-v1', 'accounts-v2']);
    expect(snap.latest.map((l) => l.version).sort()).toEqual(['accounts-v1', 'accounts-v2']);
  }, 45_000);
});
