// A running release plan does not raise the canary's share while the canary has no ready pod:
// it waits, saying why, instead of writing a step whose share would fail (503).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';

const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
let mesh: DemoMesh;
let h: ReturnType<typeof createConsoleHandlers>;

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const defaultSplit = () => {
  const type = mesh.store.typeFor('networking.istio.io/v1', 'VirtualService')!;
  const vs = mesh.store.get(type, 'bookinfo', 'reviews')!;
  const http = (vs.spec as { http: Array<{ name?: string; route: unknown[] }> }).http;
  const def = http.find((r) => r.name === 'default') as {
    route: Array<{ destination: { subset: string }; weight?: number }>;
  };
  return Object.fromEntries(def.route.map((d) => [d.destination.subset, d.weight ?? 100]));
};

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 50, scrapeIntervalMs: 1000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-review-nopods-'));
  h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    demoRequests: demoSampleRequests,
    pauseMs: 10,
    rolloutTimeoutMs: 20_000,
    stepPlans: { tickMs: 200, minWindowSeconds: 3 },
  });
  await h['sessions.open']({ contextId: 'demo' });
});
afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

it('does not move traffic to a canary that has no ready pods', async () => {
  const started = await h['rollout.start']({
    contextId: 'demo',
    releaseId: REVIEWS,
    fromVersion: 'v1',
    newVersion: 'v4',
    image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2',
    replicas: 1,
  });
  const id = started.id;
  const call = { contextId: 'demo', id };
  await until('ready', async () => {
    const w = (await h['rollout.list']({ contextId: 'demo' })).rollouts.find((r) => r.id === id);
    return w?.phase === 'ready' && !w.running ? w : undefined;
  });
  await h['rollout.steps.start']({
    ...call,
    plan: {
      steps: [
        { kind: 'approval', note: 'go' },
        { kind: 'weight', weight: 20, holdSeconds: 600 },
        { kind: 'weight', weight: 100 },
      ],
    },
  });
  await until('the approval wait', async () =>
    (await h['rollout.steps.get'](call)).waiting ? true : undefined,
  );

  // The canary's pods go away (scaled to zero, crash-looping, evicted) while the plan waits.
  const depType = mesh.store.typeFor('apps/v1', 'Deployment')!;
  const dep = structuredClone(mesh.store.get(depType, 'bookinfo', 'reviews-v4')!);
  (dep.spec as { replicas: number }).replicas = 0;
  mesh.store.update(dep);
  await until('reviews-v4 to have no ready pods', async () => {
    const v = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
    const v4 = v.versions.find((x) => x.name === 'v4');
    return v4 && v4.podsReady === 0 && v4.podsTotal === 0 ? true : undefined;
  });

  await h['rollout.steps.approve'](call);
  const after = await until('the plan to act', async () => {
    const v = await h['rollout.steps.get'](call);
    return v.appliedStep === 1 || v.lastError || (v.waiting && !v.waiting.startsWith('waiting for approval'))
      ? v
      : undefined;
  });
  // Before the fix: the step applied { v1: 64, v2: 8, v3: 8, v4: 20 }: a fifth of reviews' requests now 503.
  expect(defaultSplit().v4 ?? 0, JSON.stringify({ split: defaultSplit(), waiting: after.waiting })).toBe(0);
  expect(after.waiting).toMatch(
    /^not applying .*: v4 has no ready pod \(0 of 0 ready\): its share would fail \(503\)$/,
  );
  // Its pods back, the plan goes on by itself.
  const back = structuredClone(mesh.store.get(depType, 'bookinfo', 'reviews-v4')!);
  (back.spec as { replicas: number }).replicas = 1;
  mesh.store.update(back);
  await until('the 20% step once v4 is ready', async () =>
    (defaultSplit().v4 ?? 0) === 20 ? true : undefined,
  );
}, 60_000);
