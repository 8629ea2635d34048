// A release plan's mirror step (issue 16) against the demo mesh over real HTTP: the plan copies a
// share of the stable version's traffic to the canary (at 0% weight: a shadow test), judges the
// canary on those copies as its own sidecar reports them (reporter="destination"), removes the
// mirror when the step passes, and on a failing mirror step restores the route exactly.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';
import { requestPopulation } from '../../../main/demo/sim/request-population.ts';
import { type EventName, type EventPayload, events } from '../../../shared/api/contract.ts';
import type { StepPlanInput, StepPlanView } from '../../../shared/api/step-plan-schemas.ts';
import { fetchExposition } from '../apply/mesh-telemetry.ts';

const PAYMENT = 'istio:shop/payment.shop.svc.cluster.local';
const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';

/** A shadow test of 50% for ~4 s, then two weight steps (payment's 0.1% errors are noise: 2 points allowed). */
const PLAN: StepPlanInput = {
  steps: [
    { kind: 'mirror', percent: 50, holdSeconds: 4, gates: { maxSuccessRateDropPoints: 2 } },
    { kind: 'weight', weight: 50, holdSeconds: 3, gates: { maxSuccessRateDropPoints: 2 } },
    { kind: 'weight', weight: 100 },
  ],
};

type Handlers = ReturnType<typeof createConsoleHandlers>;

let mesh: DemoMesh;
let h: Handlers;
const dataDir = mkdtempSync(join(tmpdir(), 'sy-steps-mirror-'));
const changes: StepPlanView[] = [];

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 50_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rolloutOf(releaseId: string, from: string, version: string, image: string) {
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
type Http = { name?: string; route: Array<{ destination: { subset: string }; weight?: number }> };
const defaultRoute = (namespace: string, name: string) =>
  (virtualService(namespace, name).spec as { http: Http[] }).http.find((r) => r.name === 'default') as Http &
    Record<string, unknown>;
const defaultSplit = (namespace: string, name: string) =>
  Object.fromEntries(defaultRoute(namespace, name).route.map((d) => [d.destination.subset, d.weight ?? 100]));

/** `istio_requests_total` to payment's v2 as each reporter counted it, from one reading. */
async function paymentV2Counts(): Promise<{ source: number; destination: number }> {
  const n = { source: 0, destination: 0 };
  for (const line of (await fetchExposition(mesh)).split('\n')) {
    if (!line.startsWith('istio_requests_total{') || !line.includes('destination_service_name="payment"'))
      continue;
    if (!line.includes('destination_version="v2"')) continue;
    const reporter = /reporter="(\w+)"/.exec(line)?.[1];
    if (reporter === 'source' || reporter === 'destination')
      n[reporter] += Number(line.slice(line.lastIndexOf('}') + 1));
  }
  return n;
}

/** Visits of one visitor to the shop until `n` of them reached payment: who answered, who got copies. */
function paymentVisits(user: number, n: number) {
  const answered: string[] = [];
  const mirrored: string[] = [];
  for (let i = 0; i < n * 20 && answered.length < n; i++)
    for (const hop of mesh.simulation!.visit('frontend', user)) {
      if (hop.service !== 'payment') continue;
      (hop.mirrored ? mirrored : answered).push(hop.version);
    }
  return { answered, mirrored };
}

const publicUser = requestPopulation(1).findIndex((u) => u.group === 'public');

const planOf = (id: string) => h['rollout.steps.get']({ contextId: 'demo', id });

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 300, scrapeIntervalMs: 1000 });
  h = createConsoleHandlers({
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
  await h['sessions.open']({ contextId: 'demo' });
});

afterAll(async () => {
  await h?.dispose();
  await mesh?.stop();
});

describe('a mirror step in a release plan on the demo mesh', () => {
  it('shadows payment v2 at 0%: v2 counts mirrored requests while clients see only v1, then the plan goes on', async () => {
    const id = await rolloutOf(PAYMENT, 'v1', 'v2', 'ghcr.io/switchyard-demo/shop-payment:5.1.0');
    // The canary at 0% first: a shadow test.
    const v = await h['release.get']({ contextId: 'demo', releaseId: PAYMENT });
    const plan = await h['release.plan']({
      contextId: 'demo',
      releaseId: PAYMENT,
      desired: {
        split: [
          { version: 'v1', weight: 100 },
          { version: 'v2', weight: 0 },
        ],
        rules: v.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled })),
      },
    });
    expect((await h['release.apply']({ planId: plan.planId })).ok).toBe(true);
    expect(defaultSplit('shop', 'payment')).toEqual({ v1: 100, v2: 0 });

    const started = await h['rollout.steps.start']({ contextId: 'demo', id, plan: PLAN });
    expect(started.steps[0]).toEqual({
      kind: 'mirror',
      percent: 50,
      holdSeconds: 4,
      gates: { maxSuccessRateDropPoints: 2, maxP95Ratio: 1.5, minRequests: 100 },
    });
    expect(started.before.mirror).toBeNull();
    await until('the mirror step to hold', async () => {
      const p = await planOf(id);
      return p.mirrorOn === 0 && p.holdEndsAt ? p : undefined;
    });
    // While the mirror step holds: the split is untouched, the route mirrors 50% to v2.
    expect(defaultSplit('shop', 'payment')).toEqual({ v1: 100, v2: 0 });
    expect(defaultRoute('shop', 'payment').mirrors).toEqual([
      expect.objectContaining({
        destination: expect.objectContaining({ subset: 'v2' }),
        percentage: { value: 50 },
      }),
    ]);
    const before = await paymentV2Counts();
    const visits = paymentVisits(publicUser, 20);
    expect(new Set(visits.answered)).toEqual(new Set(['v1']));
    expect(visits.mirrored.length).toBeGreaterThan(0);
    expect(new Set(visits.mirrored)).toEqual(new Set(['v2']));
    await new Promise((r) => setTimeout(r, 500));
    const after = await paymentV2Counts();
    // v2's sidecar counts the copies; callers count only what they were answered by v2 (payment's
    // content rule for internal users), so v2's destination counter rises by more than its source one.
    expect(after.destination - before.destination).toBeGreaterThan(after.source - before.source);

    const judged = await until('the mirror step to pass', async () => {
      const p = await planOf(id);
      return p.currentStep > 0 ? p : undefined;
    });
    const reading = changes.find((c) => c.id === id && c.gates?.step === 0 && c.currentStep > 0)?.gates;
    expect(reading?.results.map((g) => g.status)).toEqual(['pass', 'pass', 'pass']);
    expect(reading?.results[0]?.text).toMatch(
      /^\d+ mirrored request\(s\) to v2 \(reporter="destination": at 0% weight, exactly the copies mirrored to it\) and \d+ to v1 in \d+ s$/,
    );
    expect(judged.state).toBe('running');

    const done = await until('the plan to complete', async () => {
      const p = await planOf(id);
      if (p.state === 'failed') throw new Error(`plan failed: ${p.outcome?.reason}`);
      return p.state === 'completed' && !p.watching ? p : undefined;
    });
    expect(defaultSplit('shop', 'payment')).toEqual({ v1: 0, v2: 100 });
    expect(defaultRoute('shop', 'payment').mirrors).toBeUndefined();
    expect(done.mirrorOn).toBeUndefined();
    // Mirror on, mirror off, 50%, 100%: one History entry each.
    const entries = (await h['history.list']({ contextId: 'demo', releaseId: PAYMENT })).entries;
    expect(done.historyIds.map((hid) => entries.find((e) => e.id === hid)?.summary)).toEqual([
      expect.stringMatching(/release plan step 1 of 3 \(mirror 50%\)/),
      expect.stringMatching(/release plan: step 1 of 3 \(mirror 50%\) left, no mirror/),
      expect.stringMatching(/release plan step 2 of 3 \(50%\)/),
      expect.stringMatching(/release plan step 3 of 3 \(100%\)/),
    ]);
    for (const c of changes) events['rollout.steps.changed'].parse(c);
  }, 60_000);

  it('stops reviews v4 (reviews-v3 image) at its mirror step and restores the route exactly, no mirror left', async () => {
    const id = await rolloutOf(REVIEWS, 'v1', 'v4', 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.1');
    const before = structuredClone(virtualService('bookinfo', 'reviews').spec);
    expect(defaultRoute('bookinfo', 'reviews').mirrors).toBeUndefined();
    await h['rollout.steps.start']({ contextId: 'demo', id, plan: PLAN });
    const mirroring = await until('the mirror step to hold', async () => {
      const p = await planOf(id);
      return p.mirrorOn === 0 ? p : undefined;
    });
    expect(mirroring.split).toBeUndefined();
    const failed = await until('the plan to fail', async () => {
      const p = await planOf(id);
      return p.state === 'failed' && !p.watching ? p : undefined;
    });
    expect(failed.outcome).toMatchObject({ kind: 'failed', restored: true });
    expect(failed.outcome?.reason).toMatch(/^step 1 of 3 \(mirror 50%\) stopped by its gate/);
    const p95 = failed.outcome?.failed?.find((g) => g.gate === 'p95-latency');
    expect(p95?.text).toMatch(
      /^mirrored p95 \d+ ms vs stable \d+ ms: [\d.]+× stable, above the 1.5× allowed$/,
    );
    expect(virtualService('bookinfo', 'reviews').spec).toEqual(before);
    expect(JSON.stringify(virtualService('bookinfo', 'reviews').spec)).not.toMatch(/mirror/);
    expect(failed.mirrorOn).toBeUndefined();
    expect(failed.historyIds).toHaveLength(2);
    console.log(
      JSON.stringify({
        figure: 'release plan reviews v4: failed mirror step',
        failed: failed.outcome?.failed,
      }),
    );
  }, 60_000);
});
