// A running release plan does not undo a teammate's change to the route made while it waits (here
// v3 drained to 0%): its next step computed from its own record would have given v3 traffic back.

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
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-review-steps-'));
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

it("a step does not undo a teammate's change to the route made while the plan ran", async () => {
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
  expect(defaultSplit()).toEqual({ v1: 80, v2: 10, v3: 10 });
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

  // Meanwhile a teammate drains v3 through the console (reviewed and applied like any change).
  const view = await h['release.get']({ contextId: 'demo', releaseId: REVIEWS });
  const plan = await h['release.plan']({
    contextId: 'demo',
    releaseId: REVIEWS,
    desired: {
      split: [
        { version: 'v1', weight: 90 },
        { version: 'v2', weight: 10 },
        { version: 'v3', weight: 0 },
        { version: 'v4', weight: 0 },
      ],
      rules: view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
    },
  });
  expect((await h['release.apply']({ planId: plan.planId })).ok).toBe(true);
  expect(defaultSplit()).toMatchObject({ v1: 90, v2: 10, v3: 0 });

  await h['rollout.steps.approve'](call);
  const after = await until('the 20% step', async () => {
    const v = await h['rollout.steps.get'](call);
    return v.appliedStep === 1 || v.lastError || v.waiting?.includes('changed') ? v : undefined;
  });
  // Before the fix: the step wrote { v1: 64, v2: 8, v3: 8, v4: 20 }: v3 is back, the teammate's drain undone.
  expect(defaultSplit().v3, JSON.stringify({ split: defaultSplit(), after })).toBe(0);
  expect(after.waiting).toMatch(
    /^not applying .*: the route's split changed since the plan last wrote it: it is v1 90%, v2 10%, v3 0%, where the plan left v1 80%, v2 10%, v3 10%; abort the plan, or put the split back$/,
  );
  // Aborted, the plan leaves the teammate's split as it is instead of "restoring" its own start.
  await h['rollout.steps.abort'](call);
  const aborted = await until('the abort', async () => {
    const v = await h['rollout.steps.get'](call);
    return v.outcome ? v : undefined;
  });
  expect(aborted.outcome?.reason).toMatch(/the route was left as it is/);
  expect(defaultSplit()).toMatchObject({ v1: 90, v2: 10, v3: 0 });
}, 60_000);
