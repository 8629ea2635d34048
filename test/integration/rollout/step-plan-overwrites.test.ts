// A running release plan does not undo a teammate's change to the route made while it waits (here
// v3 drained to 0%): its next step computed from its own record would have given v3 traffic back.
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

it("a step does not undo a teammate's change to the route made while the plan ran", async () => {
  const { h, mesh } = demo;
  const id = await readyRollout(h, REVIEWS, 'v4', 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2');
  const call = { contextId: 'demo', id };
  expect(defaultSplit(mesh, 'bookinfo', 'reviews')).toEqual({ v1: 80, v2: 10, v3: 10 });
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
  expect(defaultSplit(mesh, 'bookinfo', 'reviews')).toMatchObject({ v1: 90, v2: 10, v3: 0 });

  await h['rollout.steps.approve'](call);
  const after = await until('the 20% step', async () => {
    const v = await h['rollout.steps.get'](call);
    return v.appliedStep === 1 || v.lastError || v.waiting?.includes('changed') ? v : undefined;
  });
  // Before the fix: the step wrote { v1: 64, v2: 8, v3: 8, v4: 20 }: v3 is back, the teammate's drain undone.
  expect(
    defaultSplit(mesh, 'bookinfo', 'reviews').v3,
    JSON.stringify({ split: defaultSplit(mesh, 'bookinfo', 'reviews'), after }),
  ).toBe(0);
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
  expect(defaultSplit(mesh, 'bookinfo', 'reviews')).toMatchObject({ v1: 90, v2: 10, v3: 0 });
}, 60_000);
