import { describe, expect, it } from 'vitest';
import type { StepPlanRecord, StepPlanStore } from '../../../main/core/rollout/step-plan-store.ts';
import type { StepRunnerDeps, Timers } from '../../../main/core/rollout/step-runner.ts';
import { createStepRunner } from '../../../main/core/rollout/step-runner.ts';
import type { TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { GateFigures } from '../../../shared/rollout/step-gates.ts';
import type { StepPlan } from '../../../shared/rollout/step-plan.ts';
import { DEFAULT_GATES, defaultStepPlan } from '../../../shared/rollout/step-plan.ts';
import { aborting, paused, resumed } from '../../../shared/rollout/step-progress.ts';

// The runner over a manual clock and fakes of its world: a store in memory, figures the test
// chooses, and the applies and restores it asked for, in order.

function manualTimers(start = 1_000_000) {
  let now = start;
  let queue: Array<{ at: number; fn: () => void; id: number }> = [];
  let ids = 0;
  const timers: Timers = {
    now: () => now,
    after(ms, fn) {
      const id = ++ids;
      queue.push({ at: now + ms, fn, id });
      return () => {
        queue = queue.filter((t) => t.id !== id);
      };
    },
  };
  return {
    timers,
    /** Moves the clock by `ms`, running every timer that falls due (and what they schedule). */
    async advance(ms: number, settle: () => Promise<void>) {
      const end = now + ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > end) break;
        queue.shift();
        now = Math.max(now, next.at);
        next.fn();
        await settle();
      }
      now = end;
    },
    jump(ms: number) {
      now += ms;
    },
  };
}

function stats(version: string, requests: number, failures: number, p95: number) {
  return {
    version,
    requests,
    failures,
    buckets: [
      { le: p95 / 2, count: 0 },
      { le: p95, count: requests },
      { le: Number.POSITIVE_INFINITY, count: requests },
    ],
  };
}
const good = (w: number): GateFigures => ({
  canary: stats('v2', 200, 0, 80),
  stable: stats('v1', 2000, 0, 80),
  windowSeconds: w,
});
const slow = (w: number): GateFigures => ({
  canary: stats('v2', 200, 0, 400),
  stable: stats('v1', 2000, 0, 80),
  windowSeconds: w,
});

function world(
  figures: (w: number) => GateFigures = good,
  plan: StepPlan = defaultStepPlan({ holdSeconds: 60 }),
) {
  const clock = manualTimers();
  const saved = new Map<string, StepPlanRecord>();
  const store: StepPlanStore = {
    async save(r) {
      saved.set(r.id, structuredClone(r));
    },
    async load(id) {
      const r = saved.get(id);
      return r ? structuredClone(r) : undefined;
    },
    async list() {
      return { plans: [...saved.values()].map((r) => structuredClone(r)), unreadable: [] };
    },
  };
  const applied: TrafficSplit[] = [];
  const restores: string[] = [];
  const mirrors: Array<{ version: string; percentage: number } | null> = [];
  const windows: number[] = [];
  let failApply: string | undefined;
  let goneWhy: string | undefined;
  let stale: string[] = [];
  let drift: string | undefined;
  let unready: string | undefined;
  const proxyReads: number[] = [];
  const deps: StepRunnerDeps = {
    storeOf: () => store,
    timers: clock.timers,
    tickMs: 1000,
    minWindowSeconds: 5,
    interruptedAfterMs: 30_000,
    async figures(_r, w) {
      windows.push(w);
      return figures(w);
    },
    async applySplit(_r, split) {
      if (failApply) throw new Error(failApply);
      applied.push(split);
      return `h${applied.length}`;
    },
    async applyMirror(_r, mirror) {
      if (failApply) throw new Error(failApply);
      mirrors.push(mirror);
      return `m${mirrors.length}`;
    },
    async restore(_r, description) {
      restores.push(description);
      return 'restore';
    },
    changed: () => {},
    gone: async () => goneWhy,
    routeChanged: async () => drift,
    canaryUnready: async () => unready,
    async inEffect() {
      proxyReads.push(applied.length);
      return stale.length
        ? { ok: false, why: `in effect at ${9 - stale.length} of 9 proxies; waiting for ${stale.join(', ')}` }
        : { ok: true, note: 'in effect at 9 of 9 proxies' };
    },
  };
  const runner = createStepRunner(deps);
  const record: StepPlanRecord = {
    id: 'shop.payment.v2',
    contextId: 'demo',
    serviceReleaseId: 'istio:shop/payment.shop.svc.cluster.local',
    canary: 'v2',
    stable: 'v1',
    plan,
    progress: { state: 'running', current: 0 },
    before: {
      split: [
        { version: 'v1', weight: 90 },
        { version: 'v2', weight: 10 },
      ],
      rules: [],
    },
    historyIds: [],
    startedAt: clock.timers.now(),
    updatedAt: clock.timers.now(),
  };
  const settle = () => runner.settled();
  return {
    clock,
    store,
    runner,
    applied,
    restores,
    mirrors,
    windows,
    async begin() {
      await store.save(record);
      runner.watch('demo', record.id);
      await clock.advance(0, settle);
    },
    advance: (ms: number) => clock.advance(ms, settle),
    get: async () => (await store.load(record.id))!,
    failApplies(message: string | undefined) {
      failApply = message;
    },
    rolloutGone(why: string) {
      goneWhy = why;
    },
    staleProxies(ids: string[]) {
      stale = ids;
    },
    routeChangedBy(why: string | undefined) {
      drift = why;
    },
    canaryUnreadyBecause(why: string | undefined) {
      unready = why;
    },
    proxyReads,
  };
}

const canaryShares = (splits: TrafficSplit[]) => splits.map((s) => s.find((x) => x.version === 'v2')?.weight);

describe('the step runner', () => {
  it('applies each step, holds it, reads the gates over the hold and completes at 100%', async () => {
    const w = world();
    await w.begin();
    expect(canaryShares(w.applied)).toEqual([1]);
    expect(w.applied[0]).toEqual([
      { version: 'v1', weight: 99 },
      { version: 'v2', weight: 1 },
    ]);
    await w.advance(59_000);
    expect(canaryShares(w.applied)).toEqual([1]);
    await w.advance(4 * 61_000);
    expect(canaryShares(w.applied)).toEqual([1, 5, 25, 50, 100]);
    const r = await w.get();
    expect(r.progress.state).toBe('completed');
    expect(r.historyIds).toEqual(['h1', 'h2', 'h3', 'h4', 'h5']);
    expect(w.windows.every((x) => x >= 60)).toBe(true);
    expect(w.runner.watching('demo', r.id)).toBe(false);
  });

  it('holds a step back until it is in effect at every proxy, without applying it again', async () => {
    const w = world();
    w.staleProxies(['reviews-v2-abc.bookinfo']);
    await w.begin();
    expect(canaryShares(w.applied)).toEqual([1]);
    await w.advance(120_000);
    let r = await w.get();
    // Two minutes on, step 1's hold has not begun: one apply, many readings, the stale proxy named.
    expect(canaryShares(w.applied)).toEqual([1]);
    expect(w.proxyReads.length).toBeGreaterThan(10);
    expect(r.progress.holdStartedAt).toBeUndefined();
    expect(r.waiting).toMatch(
      /not in effect everywhere yet: in effect at 8 of 9 proxies; waiting for reviews-v2-abc/,
    );
    expect(r.proxies).toMatch(/8 of 9/);
    w.staleProxies([]);
    await w.advance(1000);
    r = await w.get();
    expect(r.progress.holdStartedAt).toBeDefined();
    expect(r.proxies).toBe('in effect at 9 of 9 proxies');
    expect(r.waiting).toBeUndefined();
    await w.advance(61_000);
    expect(canaryShares(w.applied)).toEqual([1, 5]);
  });

  it('stops on a failing gate and restores the route as it was, saying why', async () => {
    const w = world(slow);
    await w.begin();
    await w.advance(61_000);
    const r = await w.get();
    expect(canaryShares(w.applied)).toEqual([1]);
    expect(w.restores).toEqual(['release plan: failed gate, route restored as before the plan']);
    expect(r.progress.state).toBe('failed');
    expect(r.outcome).toMatchObject({ kind: 'failed', restored: true });
    expect(r.outcome?.reason).toMatch(
      /step 1 of 5 \(1%\) stopped by its gate: p95 390 ms vs stable 78 ms: 5.00× stable/,
    );
    expect(r.split).toEqual(r.before.split);
    expect(r.historyIds).toEqual(['h1', 'restore']);
  });

  it('waits instead of raising the share of a canary with no ready pod, and goes on once it has one', async () => {
    const w = world();
    // Step 1 lowers v2's share (10% → 1%): never held back for want of pods.
    w.canaryUnreadyBecause('has no ready pod (0 of 1 ready)');
    await w.begin();
    expect(canaryShares(w.applied)).toEqual([1]);
    await w.advance(61_000);
    expect(canaryShares(w.applied)).toEqual([1]);
    expect((await w.get()).waiting).toBe(
      'not applying step 2 of 5 (5%): v2 has no ready pod (0 of 1 ready): its share would fail (503)',
    );
    w.canaryUnreadyBecause(undefined);
    await w.advance(1000);
    expect(canaryShares(w.applied)).toEqual([1, 5]);
    expect((await w.get()).waiting).toBeUndefined();
  });

  it('does not write a step over a split someone else changed, nor restore over it when aborted', async () => {
    const w = world();
    await w.begin();
    expect(canaryShares(w.applied)).toEqual([1]);
    w.routeChangedBy("the route's split changed since the plan last wrote it: it is v1 100%");
    await w.advance(61_000);
    expect(canaryShares(w.applied)).toEqual([1]);
    expect((await w.get()).waiting).toMatch(
      /^not applying step 2 of 5 \(5%\): the route's split changed .*; abort the plan, or put the split back$/,
    );
    const q = await w.get();
    await w.store.save({ ...q, progress: aborting(q.progress) });
    await w.runner.lookNow('demo', q.id);
    const r = await w.get();
    expect(w.restores).toEqual([]);
    expect(r.progress.state).toBe('aborted');
    expect(r.outcome?.restored).toBeUndefined();
    expect(r.outcome?.reason).toMatch(/the route was left as it is: the route's split changed/);
  });

  it('aborted on its mirror step over a changed split, still ends its own mirror', async () => {
    const w = world(good, {
      steps: [
        { kind: 'mirror', percent: 20, holdSeconds: 60, gates: { ...DEFAULT_GATES } },
        { kind: 'weight', weight: 100, holdSeconds: 0, gates: { ...DEFAULT_GATES } },
      ],
    });
    await w.begin();
    expect(w.mirrors).toEqual([{ version: 'v2', percentage: 20 }]);
    const q = await w.get();
    w.routeChangedBy("the route's split changed since the plan last wrote it: it is v1 100%");
    await w.store.save({ ...q, before: { ...q.before, mirror: null }, progress: aborting(q.progress) });
    await w.runner.lookNow('demo', q.id);
    const r = await w.get();
    expect(w.restores).toEqual([]);
    expect(w.mirrors.at(-1)).toBeNull();
    expect(r.progress.state).toBe('aborted');
    expect(r.progress.mirrorOn).toBeUndefined();
    expect(r.outcome?.reason).toMatch(
      /the route was left as it is; its mirror ended: the route's split changed/,
    );
  });

  it('begins a hold again after the machine slept through it', async () => {
    const w = world();
    await w.begin();
    const began = (await w.get()).progress.holdStartedAt!;
    await w.advance(30_000);
    w.clock.jump(120_000); // asleep: no tick for two minutes, past the 60 s hold
    const woke = w.clock.timers.now();
    await w.advance(1000);
    const r = await w.get();
    expect(r.progress.current).toBe(0);
    expect(r.progress.holdStartedAt).toBeGreaterThanOrEqual(woke);
    expect(r.progress.holdStartedAt).toBeGreaterThanOrEqual(began + 150_000);
    expect(canaryShares(w.applied)).toEqual([1]);
  });

  it('keeps a failed apply for the next tick, with the reason on the plan', async () => {
    const w = world();
    w.failApplies('the VirtualService changed meanwhile');
    await w.begin();
    expect((await w.get()).lastError).toBe('the VirtualService changed meanwhile');
    w.failApplies(undefined);
    await w.advance(1000);
    const r = await w.get();
    expect(r.lastError).toBeUndefined();
    expect(r.progress.appliedStep).toBe(0);
  });

  it('stops looking at a paused plan; resumed, its hold begins again; aborted, the route is restored', async () => {
    const w = world();
    await w.begin();
    await w.advance(10_000);
    const r = await w.get();
    await w.store.save({ ...r, progress: paused(r.progress) });
    await w.advance(1000);
    expect(w.runner.watching('demo', r.id)).toBe(false);
    await w.advance(200_000);
    const p = await w.get();
    const back = resumed(p.progress, w.clock.timers.now());
    await w.store.save({ ...p, progress: back });
    w.runner.watch('demo', r.id);
    await w.advance(59_000);
    expect(canaryShares(w.applied)).toEqual([1]);
    const q = await w.get();
    await w.store.save({ ...q, progress: aborting(q.progress) });
    await w.runner.lookNow('demo', r.id);
    const done = await w.get();
    expect(done.progress.state).toBe('aborted');
    expect(done.outcome).toMatchObject({ kind: 'aborted', restored: true });
    expect(w.restores).toEqual(['release plan: plan aborted, route restored as before the plan']);
  });

  it('stops, leaving the route alone, once the wizard took its rollout elsewhere (promoted, aborted)', async () => {
    const w = world();
    await w.begin();
    w.rolloutGone('the rollout shop.payment.v2 is aborted');
    await w.advance(120_000);
    const r = await w.get();
    expect(r.progress.state).toBe('aborted');
    expect(r.outcome?.reason).toBe(
      'the rollout shop.payment.v2 is aborted: the plan stopped, its route left as it is',
    );
    expect(canaryShares(w.applied)).toEqual([1]);
    expect(w.restores).toEqual([]);
  });

  it('mirrors before the first weight, removes the mirror when the step passes, then applies the weights', async () => {
    const plan: StepPlan = {
      steps: [
        { kind: 'mirror', percent: 50, holdSeconds: 60, gates: { ...DEFAULT_GATES } },
        ...defaultStepPlan({ weights: [5, 100], holdSeconds: 60 }).steps,
      ],
    };
    const w = world(good, plan);
    await w.begin();
    expect(w.mirrors).toEqual([{ version: 'v2', percentage: 50 }]);
    expect(w.applied).toEqual([]);
    expect((await w.get()).progress).toMatchObject({ mirrorOn: 0, appliedStep: 0 });
    await w.advance(61_000);
    expect(w.mirrors).toEqual([{ version: 'v2', percentage: 50 }, null]);
    expect(canaryShares(w.applied)).toEqual([5]);
    const r = await w.get();
    expect(r.progress.mirrorOn).toBeUndefined();
    expect(r.historyIds).toEqual(['m1', 'm2', 'h1']);
    await w.advance(61_000);
    expect((await w.get()).progress.state).toBe('completed');
  });

  it('restores (the mirror with the route) when a mirror step fails, and removes no mirror twice', async () => {
    const plan: StepPlan = {
      steps: [
        { kind: 'mirror', percent: 50, holdSeconds: 60, gates: { ...DEFAULT_GATES } },
        ...defaultStepPlan({ weights: [5, 100], holdSeconds: 60 }).steps,
      ],
    };
    const w = world(slow, plan);
    await w.begin();
    await w.advance(61_000);
    const r = await w.get();
    expect(r.progress).toMatchObject({ state: 'failed' });
    expect(r.progress.mirrorOn).toBeUndefined();
    expect(w.restores).toEqual(['release plan: failed gate, route restored as before the plan']);
    expect(w.mirrors).toEqual([{ version: 'v2', percentage: 50 }]);
    expect(w.applied).toEqual([]);
    expect(r.outcome?.reason).toMatch(/step 1 of 3 \(mirror 50%\) stopped by its gate: p95 390 ms/);
  });

  it('holds a mirror step back until its mirror is in effect at every proxy, setting it once', async () => {
    const plan: StepPlan = {
      steps: [
        { kind: 'mirror', percent: 50, holdSeconds: 60, gates: { ...DEFAULT_GATES } },
        ...defaultStepPlan({ weights: [100] }).steps,
      ],
    };
    const w = world(good, plan);
    w.staleProxies(['reviews-v2-abc.bookinfo']);
    await w.begin();
    await w.advance(10_000);
    let r = await w.get();
    expect(w.mirrors).toEqual([{ version: 'v2', percentage: 50 }]);
    expect(r.progress).toMatchObject({ mirrorOn: 0 });
    expect(r.progress.holdStartedAt).toBeUndefined();
    expect(r.waiting).toMatch(/step 1 of 2 \(mirror 50%\) is not in effect everywhere yet/);
    w.staleProxies([]);
    await w.advance(1000);
    r = await w.get();
    expect(r.progress).toMatchObject({ appliedStep: 0, mirrorOn: 0 });
    expect(r.progress.holdStartedAt).toBeDefined();
    await w.advance(61_000);
    expect(w.mirrors).toEqual([{ version: 'v2', percentage: 50 }, null]);
    expect((await w.get()).progress.state).toBe('completed');
  });
});
