import { describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import type { ApplyProgress } from '../../../main/core/apply/apply-types.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addVersion, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { shares } from '../../helpers/shares.ts';
import { createMemoryKube, reviewsObjects } from './apply-memory-kube-api.ts';

// Click → confirmed, one round trip less: a reviewed change of one patch is written without a
// second dry-run (its write is all-or-nothing), while plans of several steps are still dry-run
// whole before anything is written, and a failed single write still changes nothing.

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };
const who = { context: 'demo', user: 'demo-admin' };

function setup() {
  const { vs, dr } = reviewsObjects();
  const kube = createMemoryKube([vs, dr]);
  const engine = createApplyEngine({
    api: kube.api,
    verify: kube.verify,
    clock: { now: () => 0, sleep: async () => {} },
    pauseMs: 0,
    verifyTimeoutMs: 1000,
    skipDryRunOfReviewedSingleStep: true,
  });
  const objects = () => [kube.read(vsRef), kube.read(drRef)] as KubeObject[];
  const release = () => readIstioReleases(objects())[0]!;
  return { kube, engine, objects, release };
}

describe('a reviewed single-step change', () => {
  it('is written with one request, no second dry-run', async () => {
    const t = setup();
    const plan = planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects());
    expect(plan.steps).toHaveLength(1);
    t.kube.calls.length = 0;
    const progress: ApplyProgress['type'][] = [];
    const result = await t.engine.apply({
      plan,
      objects: t.objects(),
      ...who,
      onProgress: (e) => progress.push(e.type),
    });
    expect(result.ok).toBe(true);
    expect(t.kube.calls).toEqual(['patch VirtualService/reviews']);
    expect(progress).toEqual(['step-started', 'step-applied', 'step-verified']);
  });

  it('that the server refuses changes nothing and says why', async () => {
    const t = setup();
    const plan = planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects());
    t.kube.failNext('patch', 403);
    const result = await t.engine.apply({ plan, objects: t.objects(), ...who });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toMatch(/nothing was changed/);
    expect(result.steps[0]?.state).toBe('untouched');
  });

  it('a plan of several steps is still dry-run whole before the first write', async () => {
    const t = setup();
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    const plan = planRelease(t.release(), desired, t.objects());
    expect(plan.steps.length).toBeGreaterThan(1);
    t.kube.calls.length = 0;
    const result = await t.engine.apply({ plan, objects: t.objects(), ...who });
    expect(result.ok).toBe(true);
    const firstWrite = t.kube.calls.findIndex((c) => !c.includes('dry-run'));
    expect(t.kube.calls.slice(0, firstWrite).filter((c) => c.includes('dry-run'))).toHaveLength(
      plan.steps.length,
    );
  });
});
