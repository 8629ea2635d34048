// Release plans with gates (issue 16) against the demo mesh over real HTTP: the console's handlers,
// the rollout they drive, the demo's own Prometheus (sampled every second so holds can be short)
// judging the canary against stable over each hold.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';
import { type EventName, type EventPayload, events } from '../../../shared/api/contract.ts';
import type { StepPlanInput, StepPlanView } from '../../../shared/api/step-plan-schemas.ts';

const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const HOLD_SECONDS = 3;

/** The default weights with short holds; success rate may drop 2 points (payment's 0.1% errors are noise over 100 requests). */
const PLAN: StepPlanInput = {
  steps: [
    ...[1, 5, 25, 50].map((weight) => ({
      kind: 'weight' as const,
      weight,
      holdSeconds: HOLD_SECONDS,
      gates: { maxSuccessRateDropPoints: 2 },
    })),
    { kind: 'weight' as const, weight: 100 },
  ],
};

/**
 * PLAN for the healthy canary, whose p95 may be 2x stable's. Over 100 requests, p95 read from
 * Istio's latency buckets (100, 250 ms) jumps into the 100-250 ms bucket whenever 5 or more of
 * payment's requests exceed 100 ms, which its ~80 ms p95 makes happen about one step in six: a
 * healthy v2 then failed the default 1.5x (p95 130 ms against 86 ms). reviews v3, the worse
 * canary, keeps the default, which it fails at 2.2-3.2x.
 */
const HEALTHY_PLAN: StepPlanInput = {
  steps: PLAN.steps.map((s) =>
    s.kind === 'weight' && s.gates ? { ...s, gates: { ...s.gates, maxP95Ratio: 2 } } : s,
  ),
};

type Handlers = ReturnType<typeof createConsoleHandlers>;

let mesh: DemoMesh;
const dataDir = mkdtempSync(join(tmpdir(), 'sy-steps-'));
const changes: StepPlanView[] = [];
const open: Handlers[] = [];

function handlersFor(): Handlers {
  const h = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event === 'rollout.steps.changed') changes.push(payload as StepPlanView);
    },
    demoKubeconfig: () => mesh.kubeconfigPath,
    demoRequests: demoSampleRequests,
    pauseMs: 10,
    rolloutTimeoutMs: 20_000,
    stepPlans: { tickMs: 200, minWindowSeconds: 3 },
  });
  open.push(h);
  return h;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 50_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A rollout of `version` (its Deployment exists already, or is cloned from `from`), ready for a plan. */
async function rolloutOf(h: Handlers, releaseId: string, from: string, version: string, image: string) {
  const started = await h['rollout.start']({
    contextId: 'demo',
    releaseId,
    fromVersion: from,
    newVersion: version,
    image,
    replicas: 1,
  });
  await until(`${started.id} to be ready`, async () => {
    const w = (await h['rollout.list']({ contextId: 'demo' })).rollouts.find((r) => r.id === started.id);
    return w?.phase === 'ready' && !w.running ? w : undefined;
  });
  return started.id;
}

const virtualService = (namespace: string, name: string) => {
  const type = mesh.store.typeFor('networking.istio.io/v1', 'VirtualService')!;
  return mesh.store.get(type, namespace, name)!;
};
const defaultSplit = (namespace: string, name: string) => {
  const http = (virtualService(namespace, name).spec as { http: Array<{ name?: string; route: unknown[] }> })
    .http;
  const def = http.find((r) => r.name === 'default') as {
    route: Array<{ destination: { subset: string }; weight?: number }>;
  };
  return Object.fromEntries(def.route.map((d) => [d.destination.subset, d.weight ?? 100]));
};

const settledPlan = (h: Handlers, id: string, state: StepPlanView['state']) =>
  until(`${id}'s plan to be ${state}`, async () => {
    const v = await h['rollout.steps.get']({ contextId: 'demo', id });
    if (v.state === 'failed' && state !== 'failed') throw new Error(`plan failed: ${v.outcome?.reason}`);
    return v.state === state && !v.watching ? v : undefined;
  });

/** The canary's share at each step the plan applied, from its events, without repeats. */
function appliedShares(id: string, canary: string): number[] {
  const out: number[] = [];
  for (const c of changes.filter((x) => x.id === id)) {
    const w = c.split?.find((s) => s.version === canary)?.weight;
    if (w !== undefined && out.at(-1) !== w) out.push(w);
  }
  return out;
}

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 300, scrapeIntervalMs: 1000 });
  await handlersFor()['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  for (const h of open) await h.dispose();
  await mesh?.stop();
});

describe('release plans with gates on the demo mesh', () => {
  it('promotes the healthy payment v2 to 100% through every step, one History entry per step', async () => {
    const h = open[0]!;
    const id = await rolloutOf(h, PAYMENT, 'v1', 'v2', 'ghcr.io/switchyard-demo/shop-payment:5.1.0');
    expect(defaultSplit('shop', 'payment')).toEqual({ v1: 90, v2: 10 });
    const began = Date.now();
    const started = await h['rollout.steps.start']({ contextId: 'demo', id, plan: HEALTHY_PLAN });
    expect(started).toMatchObject({ state: 'running', currentStep: 0, canary: 'v2', stable: 'v1' });
    expect(started.before.split).toEqual([
      { version: 'v1', weight: 90 },
      { version: 'v2', weight: 10 },
    ]);
    const done = await settledPlan(h, id, 'completed');
    const tookMs = Date.now() - began;
    expect(defaultSplit('shop', 'payment')).toEqual({ v1: 0, v2: 100 });
    expect(appliedShares(id, 'v2')).toEqual([1, 5, 25, 50, 100]);
    expect(done.outcome).toMatchObject({ kind: 'completed' });
    expect(done.historyIds).toHaveLength(5);
    const entries = (await h['history.list']({ contextId: 'demo', releaseId: PAYMENT })).entries;
    const summaries = done.historyIds.map((hid) => entries.find((e) => e.id === hid)?.summary);
    expect(summaries).toEqual(
      [1, 2, 3, 4, 5].map((n) => expect.stringMatching(new RegExp(`release plan step ${n} of 5`))),
    );
    // Each gated step passed on at least 100 requests to each version, with its figures.
    const passed = changes.filter((c) => c.id === id && c.gates?.results.every((g) => g.status === 'pass'));
    expect(new Set(passed.map((c) => c.gates?.step))).toEqual(new Set([0, 1, 2, 3]));
    // Per step: from its share applied to its gates passing (a hold, then waiting for 100 requests).
    const steps = [0, 1, 2, 3].map((step) => {
      const held = changes.find(
        (c) => c.id === id && c.appliedStep === step && c.holdStartedAt,
      )?.holdStartedAt;
      const judged = changes.find(
        (c) => c.id === id && c.gates?.step === step && c.currentStep > step,
      )?.gates;
      return {
        step,
        ms: Date.parse(judged?.at ?? '') - Date.parse(held ?? ''),
        window: judged?.windowSeconds,
      };
    });
    console.log(
      JSON.stringify({
        figure: 'release plan payment v2: total time vs the sum of its holds',
        totalMs: tookMs,
        holdsMs: 4 * HOLD_SECONDS * 1000,
        steps,
      }),
    );
    // What the renderer is sent keeps to the contract's schema.
    for (const c of changes) events['rollout.steps.changed'].parse(c);
  }, 60_000);

  it('stops reviews v3 (the worse canary) at its first gate and restores the route exactly as it was', async () => {
    const h = open[0]!;
    const before = structuredClone(virtualService('bookinfo', 'reviews').spec);
    const id = await rolloutOf(h, REVIEWS, 'v1', 'v3', 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.1');
    await h['rollout.steps.start']({ contextId: 'demo', id, plan: PLAN });
    const failed = await settledPlan(h, id, 'failed');
    expect(failed.outcome).toMatchObject({ kind: 'failed', restored: true });
    expect(failed.outcome?.reason).toMatch(/^step 1 of 5 \(1%\) stopped by its gate/);
    const p95 = failed.outcome?.failed?.find((g) => g.gate === 'p95-latency');
    expect(p95).toMatchObject({ status: 'fail', limit: 1.5 });
    expect(p95!.canary!).toBeGreaterThan(1.5 * p95!.stable!);
    expect(p95?.text).toMatch(/^p95 \d+ ms vs stable \d+ ms: [\d.]+× stable, above the 1.5× allowed$/);
    // The canary never went past its first share; the route is back, split and rules, exactly.
    expect(appliedShares(id, 'v3')).toEqual([1, 10]);
    expect(virtualService('bookinfo', 'reviews').spec).toEqual(before);
    expect(failed.historyIds).toHaveLength(2);
    console.log(
      JSON.stringify({ figure: 'release plan reviews v3: failed gates', failed: failed.outcome?.failed }),
    );
  }, 60_000);

  it('waits for an approval, pauses, skips ahead, resumes, and an abort restores the route exactly', async () => {
    const h = open[0]!;
    const id = 'bookinfo.reviews.v3';
    const before = structuredClone(virtualService('bookinfo', 'reviews').spec);
    const call = { contextId: 'demo', id };
    const started = await h['rollout.steps.start']({
      ...call,
      plan: {
        steps: [
          { kind: 'approval', note: 'the team lead agrees' },
          { kind: 'weight', weight: 20, holdSeconds: 60 },
          { kind: 'weight', weight: 50, holdSeconds: 60 },
          { kind: 'weight', weight: 100 },
        ],
      },
    });
    expect(started.steps[0]).toEqual({ kind: 'approval', note: 'the team lead agrees' });
    const asking = await until('the plan to ask for approval', async () => {
      const v = await h['rollout.steps.get'](call);
      return v.waiting ? v : undefined;
    });
    expect(asking).toMatchObject({
      currentStep: 0,
      waiting: 'waiting for approval of step 1 of 4 (approval)',
    });
    expect(virtualService('bookinfo', 'reviews').spec).toEqual(before);
    await h['rollout.steps.approve'](call);
    await until('the 20% step to hold', async () => {
      const v = await h['rollout.steps.get'](call);
      return v.appliedStep === 1 && v.holdEndsAt ? v : undefined;
    });
    expect(defaultSplit('bookinfo', 'reviews')).toEqual({ v1: 71, v2: 9, v3: 20 });
    expect((await h['rollout.steps.pause'](call)).state).toBe('paused');
    await expect(h['rollout.steps.skip']({ ...call, toStep: 0 })).rejects.toThrow(/can only skip ahead/);
    expect((await h['rollout.steps.skip']({ ...call, toStep: 2 })).currentStep).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(defaultSplit('bookinfo', 'reviews').v3).toBe(20); // paused: the skip waits for resume
    await h['rollout.steps.resume'](call);
    await until('the 50% step to be applied', async () => {
      const v = await h['rollout.steps.get'](call);
      return v.appliedStep === 2 ? v : undefined;
    });
    expect(defaultSplit('bookinfo', 'reviews')).toEqual({ v1: 44, v2: 6, v3: 50 });
    const aborted = await h['rollout.steps.abort'](call);
    expect(aborted).toMatchObject({
      state: 'aborted',
      outcome: { kind: 'aborted', reason: 'aborted by the operator', restored: true },
    });
    expect(virtualService('bookinfo', 'reviews').spec).toEqual(before);
    expect(appliedShares(id, 'v3').slice(-3)).toEqual([20, 50, 10]);
  }, 60_000);

  it('resumes a plan after a restart mid-plan: its interrupted hold begins again, then it completes', async () => {
    const h1 = open[0]!;
    // v4 runs reviews-v1's image: the demo gives it v1's behaviour, a healthy canary.
    const id = await rolloutOf(
      h1,
      REVIEWS,
      'v1',
      'v4',
      'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2',
    );
    const plan: StepPlanInput = {
      steps: [
        { kind: 'weight', weight: 20, holdSeconds: 4 },
        { kind: 'weight', weight: 60, holdSeconds: 4 },
        { kind: 'weight', weight: 100 },
      ],
    };
    const began = Date.now();
    await h1['rollout.steps.start']({ contextId: 'demo', id, plan });
    const mid = await until('the 60% step to hold', async () => {
      const v = await h1['rollout.steps.get']({ contextId: 'demo', id });
      return v.appliedStep === 1 && v.holdStartedAt !== undefined ? v : undefined;
    });
    // The app quits in the middle of the 60% step's hold.
    await h1.dispose();
    open.splice(open.indexOf(h1), 1);
    const quitAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));

    const h2 = handlersFor();
    // Saved, and left alone until its context is opened again: nothing is contacted before that.
    const seen = changes.length;
    await expect(h2['rollout.steps.get']({ contextId: 'demo', id })).rejects.toThrow(/not open/);
    await new Promise((r) => setTimeout(r, 500));
    expect(changes.length).toBe(seen);
    await h2['sessions.open']({ contextId: 'demo' });
    const resumed = await until('the plan to resume', async () => {
      const v = await h2['rollout.steps.get']({ contextId: 'demo', id });
      return v.watching && Date.parse(v.holdStartedAt ?? '') > quitAt ? v : undefined;
    });
    expect(resumed).toMatchObject({ state: 'running', currentStep: 1, appliedStep: 1 });
    expect(Date.parse(resumed.holdStartedAt!)).toBeGreaterThan(Date.parse(mid.holdStartedAt!));
    const done = await settledPlan(h2, id, 'completed');
    expect(defaultSplit('bookinfo', 'reviews')).toMatchObject({ v1: 0, v2: 0, v3: 0, v4: 100 });
    expect(appliedShares(id, 'v4')).toEqual([20, 60, 100]);
    // The 60% share was not applied twice: one History entry per step.
    expect(done.historyIds).toHaveLength(3);
    console.log(
      JSON.stringify({
        figure:
          'release plan reviews v4 restarted mid-hold: total time (restart included) vs the sum of its holds',
        totalMs: Date.now() - began,
        holdsMs: 8000,
      }),
    );
  }, 60_000);

  it('holds a step back while a proxy is stale: its hold begins once the step is in effect at every proxy', async () => {
    const h = open.at(-1)!;
    const CART = 'istio:shop/cart.shop.svc.cluster.local';
    const id = await rolloutOf(h, CART, 'v1', 'v2', 'ghcr.io/switchyard-demo/shop-cart:1.9.2');
    mesh.faults.set({ staleProxies: ['cart-v1'] });
    try {
      const plan: StepPlanInput = {
        steps: [
          {
            kind: 'weight',
            weight: 10,
            holdSeconds: 2,
            // This test is about the proxies, not the gates: cart v2 serves as v1 does, but a p95
            // read from Istio's latency buckets over a 2 s hold of a few requests jumps between
            // buckets (a fresh-clone CI run: 149 ms against 98, 1.52x, stopped at the default 1.5x).
            gates: { maxSuccessRateDropPoints: 5, maxP95Ratio: 3, minRequests: 10 },
          },
          { kind: 'weight', weight: 100 },
        ],
      };
      await h['rollout.steps.start']({ contextId: 'demo', id, plan });
      const held = await until('the first step to wait for the proxies', async () => {
        const v = await h['rollout.steps.get']({ contextId: 'demo', id });
        return v.waiting?.includes('not in effect everywhere yet') ? v : undefined;
      });
      const [, inEffect, total] = /in effect at (\d+) of (\d+) proxies/.exec(held.proxies ?? '') ?? [];
      expect(Number(inEffect)).toBeLessThan(Number(total));
      expect(held.waiting).toMatch(/waiting for cart-v1/);
      // Well past the 2 s hold, the step has still not begun to hold: the next step waits.
      await new Promise((r) => setTimeout(r, 4000));
      const still = await h['rollout.steps.get']({ contextId: 'demo', id });
      expect(still.currentStep).toBe(0);
      expect(still.holdStartedAt).toBeUndefined();
      expect(still.split?.find((x) => x.version === 'v2')?.weight).toBe(10);
      mesh.faults.set({ staleProxies: [] });
      const done = await settledPlan(h, id, 'completed');
      expect(done.proxies).toMatch(/in effect at (\d+) of \1 proxies/);
      expect(appliedShares(id, 'v2')).toEqual([10, 100]);
    } finally {
      mesh.faults.set({ staleProxies: [] });
    }
  }, 60_000);
});
