// A fleet release holds each cluster's reviewed plan itself, from fleet.plan until its wave applies
// it: the console's plan store keeps only the newest 50 reviews, so reviews made while a long run
// holds between waves must not cost a later wave its plan ("unknown or expired") and stop the
// release half-applied.

import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type FleetHarness,
  REVIEWS_HOST,
  reviewsCatchAll,
  runUntil,
  startFleetHarness,
} from './fleet-harness.ts';

let h: FleetHarness;
beforeAll(async () => {
  h = await startFleetHarness(3);
});
afterAll(() => h?.dispose());

/** Reviews of another service's change in the first cluster, each stored in the console's plans. */
async function reviewOtherChanges(count: number): Promise<void> {
  const ctx = h.contexts[0]!;
  const releaseId = 'istio:bookinfo/ratings.bookinfo.svc.cluster.local';
  const view = await h.handlers['release.get']({ contextId: ctx, releaseId });
  for (let i = 0; i < count; i++)
    await h.handlers['release.plan']({
      contextId: ctx,
      releaseId,
      desired: {
        split: view.versions.map((v) => ({ version: v.name, weight: v.weight })),
        rules: view.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
      },
    });
}

it('carries every wave out however many changes are reviewed in the console meanwhile', async () => {
  const plan = await h.handlers['fleet.plan']({
    contexts: h.contexts,
    namespace: 'bookinfo',
    host: REVIEWS_HOST,
    change: {
      kind: 'split',
      split: [
        { version: 'v1', weight: 70 },
        { version: 'v2', weight: 20 },
        { version: 'v3', weight: 10 },
      ],
    },
    canary: h.contexts[0],
    maxParallel: 1,
    holdSeconds: 4,
    gate: false,
  });
  // Between the fleet's review and its Apply, and again while wave 1 holds, the operator reviews
  // (does not even apply) 50 other changes each time.
  await reviewOtherChanges(50);
  const started = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
  await runUntil(h, started.runId, ['holding'], 30_000);
  await reviewOtherChanges(50);

  const done = await runUntil(h, started.runId, ['completed', 'stopped'], 60_000);
  expect(done.stopReason).toBeUndefined();
  expect(done.state).toBe('completed');
  for (const i of [0, 1, 2]) expect(await reviewsCatchAll(h, i)).toBe('v1=70,v2=20,v3=10');
}, 90_000);
