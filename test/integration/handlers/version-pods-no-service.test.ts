import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { VersionView } from '../../../shared/api/console-schemas.ts';
import { apiClient } from '../demo/demo-api-client.ts';

// The reviews Service deleted: the mesh has no endpoint for reviews any more (every request to it
// fails), whatever pods still run. The console watches every Service, so a missing one is not "a
// Service it cannot see": reviews v1 has no pod serving it, and the other apps' version=v1 pods
// (productpage, details, ratings) must not be counted as reviews v1's.

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

async function reviewsV1(): Promise<{ v1: VersionView | undefined; sources: string[] }> {
  const view = await handlers['release.get']({ contextId: 'demo', releaseId: REVIEWS });
  return {
    v1: view.versions.find((v) => v.name === 'v1'),
    sources: view.sources.map((s) => `${s.kind}/${s.name}`),
  };
}

beforeAll(async () => {
  mesh = await startDemoMesh({ http: true, podReadyDelayMs: 0, requestsPerSecond: 5 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-version-pods-no-svc-'));
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

describe('pods of a version whose Service is gone', () => {
  it('are none, not every pod of the namespace with the version label', async () => {
    await until('reviews v1 pods to be ready', async () => {
      const { v1 } = await reviewsV1();
      return v1 && v1.podsReady === 2 ? v1 : undefined;
    });
    const admin = apiClient(mesh);
    const deleted = await admin('DELETE', '/api/v1/namespaces/bookinfo/services/reviews');
    expect(deleted.status).toBe(200);
    const { v1 } = await until('the console to see the Service gone', async () => {
      const r = await reviewsV1();
      return r.sources.includes('Service/reviews') ? undefined : r;
    });
    // The premise: other apps' version=v1 pods run in bookinfo.
    const v1Pods = (await admin('GET', '/api/v1/namespaces/bookinfo/pods?labelSelector=version%3Dv1')).json;
    expect(v1Pods.items.length).toBeGreaterThan(2);
    expect(v1).toMatchObject({ podsReady: 0, podsTotal: 0 });
    expect(v1?.podsUnknown).toBeUndefined();
  });
});
