// A running release plan does not raise the canary's share while the canary has no ready pod:
// it waits, saying why, instead of writing a step whose share would fail (503).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConsoleDemo } from './console-demo.ts';
import { defaultSplit, REVIEWS, readyRollout, startConsoleDemo, until } from './console-demo.ts';

let demo: ConsoleDemo;
beforeAll(async () => {
  demo = await startConsoleDemo({ requestsPerSecond: 50 }, { tickMs: 200, minWindowSeconds: 3 });
});
afterAll(async () => {
  await demo?.stop();
});

it('does not move traffic to a canary that has no ready pods', async () => {
  const { h, mesh } = demo;
  const id = await readyRollout(h, REVIEWS, 'v4', 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2');
  const call = { contextId: 'demo', id };
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
  expect(
    defaultSplit(mesh, 'bookinfo', 'reviews').v4 ?? 0,
    JSON.stringify({ split: defaultSplit(mesh, 'bookinfo', 'reviews'), waiting: after.waiting }),
  ).toBe(0);
  expect(after.waiting).toMatch(
    /^not applying .*: v4 has no ready pod \(0 of 0 ready\): its share would fail \(503\)$/,
  );
  // Its pods back, the plan goes on by itself.
  const back = structuredClone(mesh.store.get(depType, 'bookinfo', 'reviews-v4')!);
  (back.spec as { replicas: number }).replicas = 1;
  mesh.store.update(back);
  await until('the 20% step once v4 is ready', async () =>
    (defaultSplit(mesh, 'bookinfo', 'reviews').v4 ?? 0) === 20 ? true : undefined,
  );
}, 60_000);
