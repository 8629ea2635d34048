import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoredRelease, routeBefore } from '../../../main/core/rollout/step-plan-route.ts';
import type { StepPlanRecord } from '../../../main/core/rollout/step-plan-store.ts';
import { createStepPlanStore } from '../../../main/core/rollout/step-plan-store.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../shared/mesh/model/index.ts';
import {
  addContentRule,
  clearMirror,
  planRelease,
  removeContentRule,
  retargetRule,
  setMirror,
  setSplit,
} from '../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { defaultStepPlan } from '../../../shared/rollout/step-plan.ts';
import { shares } from '../../helpers/shares.ts';

// What a failed gate or an abort puts back: the route before the plan, split and rules, whatever
// happened to them meanwhile.

const dest = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight !== undefined ? { weight } : {}),
});

function cluster(): KubeObject[] {
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default', resourceVersion: '100' },
      spec: {
        hosts: ['reviews'],
        http: [
          {
            name: 'jason-on-v2',
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [dest('v2')],
          },
          { name: 'default', route: [dest('v1', 80), dest('v2', 10), dest('v3', 10)], timeout: '10s' },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'default', resourceVersion: '7' },
      spec: {
        host: 'reviews',
        subsets: ['v1', 'v2', 'v3'].map((name) => ({ name, labels: { version: name } })),
      },
    },
  ];
}

function applied(objects: KubeObject[], plan: ReturnType<typeof planRelease>): KubeObject[] {
  let out = objects;
  for (const step of plan.steps) {
    out = out.map((o) =>
      o.kind === step.target.kind && o.metadata.name === step.target.name
        ? { ...applyJsonPatch(o, step.patch), metadata: { ...o.metadata, resourceVersion: '101' } }
        : o,
    );
  }
  return out;
}

const change = (
  objects: KubeObject[],
  edit: (r: ReturnType<typeof readReleases>[0]) => Parameters<typeof planRelease>[1],
) => {
  const r = readReleases(objects)[0]!;
  return applied(objects, planRelease(r, edit(r), objects));
};

describe('restoring the route before a plan', () => {
  it('puts back the split and the rules exactly, a rule added meanwhile gone', () => {
    const start = cluster();
    const before = routeBefore(readReleases(start)[0]!);
    let now = change(start, (r) => setSplit(r, shares({ v1: 44, v2: 6, v3: 50 })));
    now = change(now, (r) =>
      addContentRule(
        r,
        { matches: [{ headers: { 'x-team': { exact: 'qa' } } }], version: 'v3', name: 'qa' },
        0,
      ),
    );
    const restored = change(now, (r) => restoredRelease(r, before));
    expect(restored[0]!.spec).toEqual(start[0]!.spec);
  });

  it('brings back a rule removed meanwhile, in its place (as a new rule: its match and route)', () => {
    const start = cluster();
    const before = routeBefore(readReleases(start)[0]!);
    let now = change(start, (r) => removeContentRule(r, r.rules[0]!.id));
    now = change(now, (r) =>
      addContentRule(r, { matches: [{ headers: { 'x-team': { exact: 'qa' } } }], version: 'v3', name: 'qa' }),
    );
    const http = (change(now, (r) => restoredRelease(r, before))[0]!.spec as { http: unknown[] }).http;
    const was = (start[0]!.spec as { http: unknown[] }).http;
    expect(http).toHaveLength(2);
    expect(http[0]).toMatchObject(was[0] as object);
    expect(http[1]).toEqual(was[1]);
  });

  it('puts a rule retargeted meanwhile back on its version, in place', () => {
    const start = cluster();
    const before = routeBefore(readReleases(start)[0]!);
    const now = change(start, (r) => retargetRule(r, r.rules[0]!.id, 'v3'));
    expect(now[0]!.spec).not.toEqual(start[0]!.spec);
    expect(change(now, (r) => restoredRelease(r, before))[0]!.spec).toEqual(start[0]!.spec);
  });

  it("removes a mirror step's mirror, with the split and rules, leaving no mirror field behind", () => {
    const start = cluster();
    const before = routeBefore(readReleases(start)[0]!);
    expect(before.mirror).toBeNull();
    let now = change(start, (r) => setMirror(r, { version: 'v3', percentage: 50 }));
    expect(JSON.stringify(now[0]!.spec)).toContain('mirrors');
    now = change(now, (r) => setSplit(r, shares({ v1: 40, v2: 10, v3: 50 })));
    expect(change(now, (r) => restoredRelease(r, before))[0]!.spec).toEqual(start[0]!.spec);
  });

  it("puts back the mirror the route had before the plan, in place of the step's", () => {
    const mirroring = change(cluster(), (r) => setMirror(r, { version: 'v2', percentage: 12.5 }));
    const before = routeBefore(readReleases(mirroring)[0]!);
    expect(before.mirror).toEqual({ version: 'v2', percentage: 12.5 });
    const now = change(mirroring, (r) => setMirror(r, { version: 'v3', percentage: 50 }));
    expect(change(now, (r) => restoredRelease(r, before))[0]!.spec).toEqual(mirroring[0]!.spec);
    const cleared = change(mirroring, (r) => clearMirror(r));
    expect(change(cleared, (r) => restoredRelease(r, before))[0]!.spec).toEqual(mirroring[0]!.spec);
  });

  it('leaves the mirror alone for a plan saved before mirror steps (no mirror recorded)', () => {
    const start = cluster();
    const { mirror: _none, ...old } = routeBefore(readReleases(start)[0]!);
    const now = change(start, (r) => setMirror(r, { version: 'v3', percentage: 50 }));
    expect(change(now, (r) => restoredRelease(r, old))[0]!.spec).toEqual(now[0]!.spec);
  });

  it('is no change at all when nothing moved', () => {
    const start = cluster();
    const r = readReleases(start)[0]!;
    expect(planRelease(r, restoredRelease(r, routeBefore(r)), start).steps).toEqual([]);
  });
});

describe('the saved plans', () => {
  it('read back as saved, and a file that is not a plan is reported, not dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-plan-store-'));
    const store = createStepPlanStore(dir);
    const r = {
      id: 'shop.payment.v2',
      contextId: 'demo',
      serviceReleaseId: 'istio:shop/payment.shop.svc.cluster.local',
      canary: 'v2',
      stable: 'v1',
      plan: defaultStepPlan(),
      progress: { state: 'running', current: 1, appliedStep: 1, holdStartedAt: 5 },
      before: { split: shares({ v1: 90, v2: 10 }), rules: [] },
      historyIds: ['h1'],
      startedAt: 1,
      updatedAt: 2,
    } satisfies StepPlanRecord;
    await store.save(r);
    expect(await store.load(r.id)).toEqual(r);
    writeFileSync(join(dir, 'other.json'), '{"id":"other"}');
    const listed = await store.list();
    expect(listed.plans.map((p) => p.id)).toEqual(['shop.payment.v2']);
    expect(listed.unreadable).toEqual([
      { file: 'other.json', reason: 'not a release plan (id, steps or progress missing)' },
    ]);
    await expect(store.load('../x')).rejects.toThrow(/may only hold lower-case letters/);
  });
});
