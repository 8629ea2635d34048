import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { VersionView } from '../../../shared/api/console-schemas.ts';
import { apiClient } from '../demo/demo-api-client.ts';

// bookinfo on the demo mesh: reviews v1 runs 2 pods, while details, ratings and productpage also
// run pods labelled version=v1 in the same namespace. The console must count reviews' own pods,
// and the demo mesh must really delete the pods of a Deployment scaled to zero.

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

let mesh: DemoMesh;
let handlers: ReturnType<typeof createConsoleHandlers>;

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function reviewsV1(): Promise<VersionView | undefined> {
  const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
  return view.versions.find((v) => v.name === 'v1');
}

beforeAll(async () => {
  mesh = await startDemoMesh({ http: true, podReadyDelayMs: 0, requestsPerSecond: 5 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-version-pods-'));
  handlers = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
  await handlers['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  await handlers?.dispose();
  await mesh?.stop();
});

describe('pods per version against the demo mesh', () => {
  it('counts reviews v1 by the reviews Service, then 0/0 once its Deployment is scaled to zero', async () => {
    const admin = apiClient(mesh);
    const pods = (await admin('GET', '/api/v1/namespaces/bookinfo/pods?labelSelector=version%3Dv1')).json;
    const ownPods = pods.items.filter((p: { metadata: { labels: Record<string, string> } }) => {
      return p.metadata.labels.app === 'reviews';
    });
    // The premise of the bug: more version=v1 pods in the namespace than reviews v1 runs.
    expect(pods.items.length).toBeGreaterThan(ownPods.length);
    expect(ownPods.length).toBe(2);

    const before = await until('reviews v1 pods to be ready', async () => {
      const v1 = await reviewsV1();
      return v1 && v1.podsReady === 2 ? v1 : undefined;
    });
    expect(before.podsTotal).toBe(2);

    const scaled = await admin(
      'PATCH',
      '/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v1/scale',
      { spec: { replicas: 0 } },
      'application/merge-patch+json',
    );
    expect(scaled.status).toBe(200);

    const after = await until('reviews v1 to show no pods', async () => {
      const v1 = await reviewsV1();
      return v1 && v1.podsTotal === 0 ? v1 : undefined;
    });
    expect(after).toMatchObject({ podsReady: 0, podsTotal: 0, restarts: 0 });
    // The demo mesh deleted the pods themselves, not just the count.
    const left = (
      await admin('GET', '/api/v1/namespaces/bookinfo/pods?labelSelector=app%3Dreviews%2Cversion%3Dv1')
    ).json;
    expect(left.items).toHaveLength(0);
    // The other services' v1 pods are still there, and still not counted.
    const stillV1 = (await admin('GET', '/api/v1/namespaces/bookinfo/pods?labelSelector=version%3Dv1')).json;
    expect(stillV1.items.length).toBeGreaterThan(0);
  });
});
