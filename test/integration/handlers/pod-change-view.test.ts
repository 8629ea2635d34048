// A change to a pod alone (no Deployment, no route) reaches the open view of its service: the
// release reads the same, but the view's pods ready, total and restarts do not. Against the demo
// mesh, with a bare Pod made and changed as kubectl would.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { ReleaseView } from '../../../shared/api/console-schemas.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';
import { apiClient } from '../demo/demo-api-client.ts';

const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
const PODS = '/api/v1/namespaces/shop/pods';

let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;
const views: ReleaseView[] = [];
const listed: string[][] = [];

/** One call to the demo's API server as its admin (as kubectl would), outside the app. */
async function kube(path: string, method: string, body: unknown, type = 'application/json') {
  const r = await apiClient(mesh)(method, path, body, type);
  if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.text}`);
}

const v2Of = (v: ReleaseView) => v.versions.find((x) => x.name === 'v2');

/** The first view of payment sent after `from` for which `ok` holds, within 5 s. */
async function viewSent(from: number, ok: (v: ReleaseView) => boolean): Promise<ReleaseView | undefined> {
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    const found = views.slice(from).find((v) => v.releaseId === PAYMENT && ok(v));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

beforeAll(async () => {
  mesh = await startDemoMesh({ http: true, podReadyDelayMs: 0, requestsPerSecond: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-pod-view-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event === 'release.changed') views.push(payload as ReleaseView);
      if (event === 'services.changed')
        listed.push((payload as EventPayload<'services.changed'>).upserts.map((u) => u.releaseId));
    },
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
  await h['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

describe('a pod changed alone', () => {
  it('sends the open view again with its pods, and the list nothing', async () => {
    const before = v2Of(await h['release.get']({ contextId: 'demo', releaseId: PAYMENT }));
    if (!before) throw new Error('payment has no v2');
    const listedBefore = listed.length;

    // A pod no Deployment owns, with v2's labels: the Service selects it, and so does the view.
    let from = views.length;
    await kube(PODS, 'POST', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'payment-stray', labels: { app: 'payment', version: 'v2' } },
      spec: { containers: [{ name: 'payment', image: 'example/payment:9.9.9' }] },
    });
    const created = await viewSent(from, (v) => v2Of(v)?.podsTotal === before.podsTotal + 1);
    expect(created, 'no view of payment with the new pod was sent').toBeDefined();

    // Then ready, restarted three times: only its status changes.
    from = views.length;
    await kube(
      `${PODS}/payment-stray/status`,
      'PATCH',
      {
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ name: 'payment', ready: true, restartCount: 3 }],
        },
      },
      'application/merge-patch+json',
    );
    const ready = await viewSent(from, (v) => (v2Of(v)?.restarts ?? 0) >= before.restarts + 3);
    expect(ready, 'no view of payment with the restarted pod was sent').toBeDefined();
    expect(v2Of(ready as ReleaseView)?.podsReady).toBe(before.podsReady + 1);
    // The list's summaries hold nothing of pods: none was sent for payment.
    expect(listed.slice(listedBefore).flat()).not.toContain(PAYMENT);
  });
});
