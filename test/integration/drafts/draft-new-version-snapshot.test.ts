// A draft begun offline from the last session's snapshot can hold a new version: the snapshot keeps
// the Deployments a release is read from, so the version to copy is there with the cluster gone.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraftsService } from '../../../main/core/drafts/drafts-service.ts';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import { draftHandlers } from '../../../main/core/handlers/drafts.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';

const CONTEXT = 'kube:demo-admin';
const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
const IMAGE = 'ghcr.io/switchyard-demo/shop-payment:5.2.0';

function handlersOn(dataDir: string, kubeconfig: string) {
  return createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: kubeconfig },
    emit: () => {},
    pauseMs: 10,
    snapshots: { debounceMs: 100, minIntervalMs: 300 },
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a new version drafted from the offline snapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-draft-new-version-snapshot-'));
  const dataDir = join(dir, 'data');
  const kubeconfig = join(dir, 'kubeconfig');
  let mesh: DemoMesh | undefined;
  let handlers: ReturnType<typeof handlersOn> | undefined;

  beforeAll(async () => {
    mesh = await startDemoMesh({ kubeconfigPath: kubeconfig, podReadyDelayMs: 0, requestsPerSecond: 0 });
    handlers = handlersOn(dataDir, kubeconfig);
    expect((await handlers['sessions.open']({ contextId: CONTEXT })).status).toBe('connected');
    await handlers['services.list']({ contextId: CONTEXT });
    const live = handlers;
    await until('the first snapshot', async () => {
      const c = (await live.listContexts()).contexts.find((x) => x.id === CONTEXT);
      return c?.snapshotAt;
    });
    await handlers.dispose();
    await mesh.stop();
    mesh = undefined;
    handlers = handlersOn(dataDir, kubeconfig);
  });

  afterAll(async () => {
    await handlers?.dispose();
    await mesh?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies v1’s Deployment from the snapshot with the mesh stopped', async () => {
    const h = handlers as ReturnType<typeof handlersOn>;
    const drafts = draftHandlers(
      createDraftsService({
        dataDir,
        emit: () => {},
        draftBase: (c, r) => h.draftBase(c, r),
        liveObjects: (c, k) => h.liveObjects(c, k),
        reviewPlan: (p) => h.reviewPlan(p),
      }),
    );
    const created = await drafts['drafts.create']({ contextId: CONTEXT, releaseId: PAYMENT, name: 'train' });
    expect(created.baseSource).toBe('snapshot');
    const view = await drafts['drafts.update']({
      id: created.id,
      newVersion: { version: 'v3', image: IMAGE },
    });
    expect(view.newVersion).toEqual({
      version: 'v3',
      image: IMAGE,
      fromVersion: 'v1',
      deployment: 'payment-v3',
    });
    expect(view.release?.versions.map((v) => [v.name, v.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
      ['v3', 0],
    ]);
    const created3 = view.diff.find((d) => d.kind === 'Deployment');
    expect(created3?.action).toBe('create');
    expect(created3?.afterYaml).toContain(`image: ${IMAGE}`);
  });
});
