import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetPlanView, FleetRunView } from '../../../shared/api/fleet-schemas.ts';
import { apiClient } from '../demo/demo-api-client.ts';
import {
  type FleetHarness,
  REVIEWS_HOST,
  reviewsCatchAll,
  reviewsSpec,
  runUntil,
  startFleetHarness,
  VS_PATH,
} from './fleet-harness.ts';

// Fleet releases against a three-cluster demo fleet (demo-eu-1: the seed, demo-us-1: reviews
// 50/40/10, demo-ap-1: payment on v2), through the contract's handlers.

const split = (weights: Record<string, number>) => ({
  kind: 'split' as const,
  split: Object.entries(weights).map(([version, weight]) => ({ version, weight })),
});

describe('a wave release with the health gate between waves', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    // Enough traffic for the gate to judge over a short window.
    h = await startFleetHarness(3, {
      requestsPerSecond: 200,
      scrapeIntervalMs: 500,
      fleet: { minWindowSeconds: 8, retryMs: 500 },
    });
  });
  afterAll(() => h?.dispose());

  it('shows the fleet with drift: demo-us-1’s reviews split differs from the others', async () => {
    const view = await h.handlers['fleet.view']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
    });
    expect(view.clusters.every((c) => c.reachable)).toBe(true);
    const [reviews] = view.services;
    expect(reviews?.rows.map((r) => [r.contextId, r.drift.map((d) => d.aspect)])).toEqual([
      [h.contexts[0], []],
      [h.contexts[1], ['split']],
      [h.contexts[2], []],
    ]);
    expect(reviews?.rows[1]?.drift[0]?.words).toContain('v1 50%, v2 40%, v3 10%');
  });

  it('reads each cluster’s health verdict for the service when asked, from that cluster’s Prometheus', async () => {
    const view = await h.handlers['fleet.view']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      health: true,
    });
    const rows = view.services[0]?.rows ?? [];
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(['healthy', 'worse', 'not-enough-traffic']).toContain(r.health?.status);
      expect(r.health?.summary).toMatch(/v\d/);
    }
  });

  it('changes the canary cluster alone, holds, judges it, then each other cluster in its wave', async () => {
    const plan = await h.handlers['fleet.plan']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      // Towards v1, the demo's healthiest reviews: each wave's canary version is v1.
      change: split({ v1: 90, v2: 5, v3: 5 }),
      canary: h.contexts[1],
      maxParallel: 1,
      holdSeconds: 1,
      gate: true,
    });
    expect(FleetPlanView.parse(plan)).toEqual(plan);
    expect(plan.waves).toEqual([[h.contexts[1]], [h.contexts[0]], [h.contexts[2]]]);
    // Per-cluster review: each has its own dry-run-checked step.
    for (const c of plan.clusters) {
      expect(c.skipped).toBeUndefined();
      expect(c.plan?.steps.length).toBe(1);
      expect(c.plan?.steps.every((s) => s.dryRun.ok)).toBe(true);
    }
    const started = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
    const done = await runUntil(h, started.runId, ['completed', 'stopped'], 90_000);
    expect(done.stopReason).toBeUndefined();
    expect(done.state).toBe('completed');
    expect(FleetRunView.parse(done)).toEqual(done);
    expect(done.gates.map((g) => [g.wave, g.status])).toEqual([
      [1, 'pass'],
      [2, 'pass'],
    ]);
    expect(done.gates[0]?.reason).toContain(h.contexts[1]);
    for (const i of [0, 1, 2]) expect(await reviewsCatchAll(h, i)).toBe('v1=90,v2=5,v3=5');
    // Each cluster its own History entry.
    for (const c of done.clusters) expect(c.historyId).toBeDefined();
    const { entries } = await h.handlers['history.list']({ contextId: h.contexts[0] ?? '' });
    expect(
      entries.some((e) => e.id === done.clusters.find((c) => c.contextId === h.contexts[0])?.historyId),
    ).toBe(true);
    // Order: wave 2 began only after wave 1's gate had passed.
    const mine = h.progress.filter((p) => p.runId === started.runId);
    const firstApplyOfWave2 = mine.findIndex(
      (p) => p.clusters.find((c) => c.contextId === h.contexts[0])?.state === 'applying',
    );
    const gate1 = mine.findIndex((p) => p.gates.some((g) => g.wave === 1 && g.status === 'pass'));
    expect(gate1).toBeGreaterThanOrEqual(0);
    expect(firstApplyOfWave2).toBeGreaterThan(gate1);
    expect(mine.some((p) => p.state === 'holding')).toBe(true);
  });

  it('stops when the canary wave’s gate fails (the demo’s reviews v3 is slower, with 2% errors) and changes nothing more', async () => {
    const before = await Promise.all([0, 1, 2].map((i) => reviewsSpec(h, i)));
    const plan = await h.handlers['fleet.plan']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: split({ v1: 40, v2: 10, v3: 50 }),
      canary: h.contexts[0],
      holdSeconds: 1,
    });
    const started = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
    const stopped = await runUntil(h, started.runId, ['stopped', 'completed'], 90_000);
    expect(stopped.state).toBe('stopped');
    expect(stopped.gates.map((g) => [g.wave, g.status])).toEqual([[1, 'fail']]);
    expect(stopped.stopReason).toMatch(/^wave 1 health gate fail: kube:demo-eu-1-admin: v3 is worse than v1/);
    expect(stopped.clusters.map((c) => c.state)).toEqual(['applied', 'pending', 'pending']);
    expect(await reviewsSpec(h, 1)).toEqual(before[1]);
    expect(await reviewsSpec(h, 2)).toEqual(before[2]);
    const rolled = await h.handlers['fleet.rollbackAll']({ runId: started.runId });
    expect(rolled.state).toBe('rolled-back');
    expect(await reviewsSpec(h, 0)).toEqual(before[0]);
  });
});

describe('a failure in the second cluster, then roll back all', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(3);
  });
  afterAll(() => h?.dispose());

  it('stops before the third cluster; roll back all restores every changed cluster exactly', async () => {
    const before = await Promise.all([0, 1, 2].map((i) => reviewsSpec(h, i)));
    const plan = await h.handlers['fleet.plan']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: { kind: 'cutover', version: 'v2' },
      maxParallel: 1,
      holdSeconds: 0,
      gate: false,
    });
    expect(plan.canary).toBe(h.contexts[0]);
    // A concurrent edit in the second cluster after the review: its guarded patch must refuse it.
    const second = h.fleet.clusters[1];
    if (!second) throw new Error('no second cluster');
    const edited = await apiClient(second.mesh)(
      'PATCH',
      VS_PATH,
      { metadata: { labels: { edited: 'behind-the-fleet' } } },
      'application/merge-patch+json',
    );
    expect(edited.status).toBe(200);
    const afterEdit = await reviewsSpec(h, 1);

    const started = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
    const stopped = await runUntil(h, started.runId, ['stopped', 'completed']);
    expect(stopped.state).toBe('stopped');
    const state = (i: number) => stopped.clusters.find((c) => c.contextId === h.contexts[i]);
    expect(state(0)?.state).toBe('applied');
    expect(state(1)?.state).toBe('failed');
    expect(state(2)?.state).toBe('pending');
    expect(stopped.stopReason).toContain(`wave 2: ${h.contexts[1]} failed`);
    expect(await reviewsCatchAll(h, 0)).toBe('v1=0,v2=100,v3=0');
    expect(await reviewsSpec(h, 1)).toEqual(afterEdit);
    expect(await reviewsSpec(h, 2)).toEqual(before[2]);
    // Stopped waves wait: nothing else is applied meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.handlers['fleet.get']({ runId: started.runId })).state).toBe('stopped');

    const rolled: FleetRunView = await h.handlers['fleet.rollbackAll']({ runId: started.runId });
    expect(rolled.state).toBe('rolled-back');
    expect(rolled.clusters.find((c) => c.contextId === h.contexts[0])).toMatchObject({
      state: 'rolled-back',
      undoHistoryId: expect.any(String),
    });
    expect(await reviewsSpec(h, 0)).toEqual(before[0]);
    expect(await reviewsSpec(h, 1)).toEqual(afterEdit);
    expect(await reviewsSpec(h, 2)).toEqual(before[2]);
    await expect(h.handlers['fleet.keep']({ runId: started.runId })).rejects.toThrow(
      'keep is offered once the waves have stopped (now rolled-back)',
    );
  });

  it('keep ends a stopped release with the changed clusters as they are', async () => {
    const plan = await h.handlers['fleet.plan']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: split({ v1: 70, v2: 20, v3: 10 }),
      maxParallel: 2,
      holdSeconds: 30,
      gate: false,
    });
    const started = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
    await runUntil(h, started.runId, ['holding']);
    const stopping = await h.handlers['fleet.stop']({ runId: started.runId });
    expect(stopping.runId).toBe(started.runId);
    const stopped = await runUntil(h, started.runId, ['stopped']);
    expect(stopped.stopReason).toBe('stopped by the operator');
    const kept = await h.handlers['fleet.keep']({ runId: started.runId });
    expect(kept.state).toBe('kept');
    expect(await reviewsCatchAll(h, 0)).toBe('v1=70,v2=20,v3=10');
    expect(await reviewsCatchAll(h, 2)).not.toBe('v1=70,v2=20,v3=10');
  });
});

describe('a read-only cluster', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(3);
  });
  afterAll(() => h?.dispose());

  it('is shown as such before anything is applied, and skipped', async () => {
    const contexts = [h.contexts[0] ?? '', 'kube:demo-us-1-viewer', h.contexts[2] ?? ''];
    const plan = await h.handlers['fleet.plan']({
      contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: { kind: 'cutover', version: 'v1' },
      holdSeconds: 0,
      gate: false,
    });
    const viewer = plan.clusters.find((c) => c.contextId === 'kube:demo-us-1-viewer');
    expect(viewer?.skipped?.kind).toBe('read-only');
    expect(viewer?.skipped?.reason).toMatch(/^kube:demo-us-1-viewer is read-only: /);
    expect(viewer?.plan).toBeUndefined();
    expect(plan.waves).toEqual([[contexts[0]], [contexts[2]]]);
    expect(await reviewsCatchAll(h, 1)).toBe('v1=50,v2=40,v3=10');
  });
});

describe('an unreachable cluster', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(3);
    await h.fleet.clusters[2]?.mesh.stop();
  });
  afterAll(() => h?.dispose());

  it('is skipped with its reason; the others complete', async () => {
    const t0 = Date.now();
    const plan = await h.handlers['fleet.plan']({
      contexts: h.contexts,
      namespace: 'bookinfo',
      host: REVIEWS_HOST,
      change: { kind: 'cutover', version: 'v3' },
      holdSeconds: 0,
      gate: false,
    });
    const skipped = plan.clusters.find((c) => c.contextId === h.contexts[2]);
    expect(skipped?.skipped?.kind).toBe('unreachable');
    expect(skipped?.skipped?.reason).toMatch(/^kube:demo-ap-1-admin is unreachable: /);
    expect(plan.waves).toEqual([[h.contexts[0]], [h.contexts[1]]]);
    const started = await h.handlers['fleet.apply']({ fleetPlanId: plan.fleetPlanId });
    const done = await runUntil(h, started.runId, ['completed', 'stopped']);
    expect(done.state).toBe('completed');
    expect(done.clusters.map((c) => c.state)).toEqual(['applied', 'applied', 'skipped']);
    expect(await reviewsCatchAll(h, 0)).toBe('v1=0,v2=0,v3=100');
    expect(await reviewsCatchAll(h, 1)).toBe('v1=0,v2=0,v3=100');
    // An unreachable cluster costs its own connection attempt, not a wait for the others.
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
