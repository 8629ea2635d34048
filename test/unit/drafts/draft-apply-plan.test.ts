import { describe, expect, it } from 'vitest';
import type { EngineStep } from '../../../main/core/apply/apply-types.ts';
import { DraftPlanError, draftEnginePlan } from '../../../main/core/drafts/draft-apply-plan.ts';
import { compareDraft, keyText } from '../../../main/core/drafts/draft-compare.ts';
import { draftObjects, editDraft } from '../../../main/core/drafts/draft-objects.ts';
import type { Draft } from '../../../main/core/drafts/draft-schema.ts';
import type { ConflictResolution } from '../../../shared/api/draft-schemas.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone } from '../../../shared/mesh/model/index.ts';
import { addVersion, removeVersion, setSplit } from '../../../shared/mesh/plan/index.ts';
import { shares } from '../../helpers/shares.ts';
import { draftFromFixture } from './draft-fixtures.ts';

const NOW = new Date('2026-02-01T00:00:00Z');

/** The fixture draft as if drafted from a cluster: every base object has a resourceVersion. */
function clusterDraft(edit: Parameters<typeof editDraft>[1]): Draft {
  const d = deepClone(draftFromFixture());
  d.base.objects.forEach((o, i) => {
    o.metadata.resourceVersion = String(100 + i);
  });
  return editDraft(d, edit);
}

function liveOf(draft: Draft, change: (o: KubeObject) => KubeObject = (o) => o) {
  return new Map(draft.base.objects.map((o) => [keyText(objectKeyOf(o)), change(deepClone(o))]));
}

/** Runs the steps on the live copies as the engine's simulation does. */
function run(steps: readonly EngineStep[], live: Map<string, KubeObject | undefined>) {
  const state = new Map(live);
  for (const s of steps) {
    const k = keyText(s.target);
    state.set(
      k,
      s.action === 'create' ? s.object : applyJsonPatch(state.get(k) as KubeObject, s.patch ?? []),
    );
  }
  return state;
}

const DR = 'DestinationRule/shop/reviews';
const VS = 'VirtualService/shop/reviews';

describe('the plan of a compared draft', () => {
  // v3 takes half, v1 leaves: its subset may only go once the route stopped using it.
  const swap = (d: Parameters<Parameters<typeof editDraft>[1]>[0]) =>
    removeVersion(
      setSplit(addVersion(d, { name: 'v3', labels: { version: 'v3' } }), shares({ v1: 0, v2: 50, v3: 50 })),
      'v1',
    );

  it('adds subsets before the route uses them and removes them after, as the draft’s own plan does', () => {
    const draft = clusterDraft(swap);
    const live = liveOf(draft, (o) =>
      o.kind === 'DestinationRule'
        ? { ...o, spec: { ...(o.spec as object), trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } }
        : o,
    );
    const comparison = compareDraft(draft, live, [], NOW);
    expect(comparison.view.ok).toBe(true);
    const plan = draftEnginePlan(draft, comparison, 'istio:shop/reviews.shop.svc.cluster.local');
    expect(plan.steps.map((s) => [s.id, keyText(s.target)])).toEqual([
      ['add-subsets', DR],
      ['update-route', VS],
      ['remove-subsets', DR],
    ]);
    expect(plan.steps.map((s) => s.dependsOn)).toEqual([undefined, ['add-subsets'], ['update-route']]);
    // Every stage is valid on the untouched live object too (the engine dry-runs each on it).
    for (const s of plan.steps)
      expect(() => applyJsonPatch(live.get(keyText(s.target)), s.patch ?? [])).not.toThrow();
    const after = run(plan.steps, live);
    const subsets = after.get(DR)?.spec as { subsets: Array<{ name: string }>; trafficPolicy: unknown };
    expect(subsets.subsets.map((s) => s.name)).toEqual(['v2', 'v3']);
    expect(subsets.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
    const merged = comparison.merge.objects.find((m) => keyText(m.key) === DR);
    expect(merged?.outcome === 'merged' && merged.merged).toEqual(after.get(DR));
  });

  it('refuses to stage an object whose live copy changed where the draft changes it', () => {
    const draft = clusterDraft(swap);
    const live = liveOf(draft, (o) => {
      if (o.kind !== 'DestinationRule') return o;
      const spec = o.spec as { subsets: unknown[] };
      return {
        ...o,
        spec: { ...spec, subsets: [...spec.subsets, { name: 'v4', labels: { version: 'v4' } }] },
      };
    });
    const resolutions: ConflictResolution[] = [
      { kind: 'DestinationRule', namespace: 'shop', name: 'reviews', path: '/spec/subsets', take: 'draft' },
    ];
    const comparison = compareDraft(draft, live, resolutions, NOW);
    expect(comparison.view.ok).toBe(true);
    expect(() => draftEnginePlan(draft, comparison, 'r')).toThrow(DraftPlanError);
    expect(() => draftEnginePlan(draft, comparison, 'r')).toThrow(/stages .*make-before-break/);
  });

  it('is one patch per merged object, guarded by the live resourceVersion, and nothing for an unchanged one', () => {
    const draft = clusterDraft((d) => setSplit(d, shares({ v1: 60, v2: 40 })));
    const live = liveOf(draft, (o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '300' } }));
    const plan = draftEnginePlan(draft, compareDraft(draft, live, [], NOW), 'r');
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]?.patch?.[0]).toEqual({
      op: 'test',
      path: '/metadata/resourceVersion',
      value: '300',
    });
    expect(run(plan.steps, live).get(VS)?.spec).toEqual(
      draftObjects(draft).find((o) => o.kind === 'VirtualService')?.spec,
    );
    const already = liveOf(draft);
    already.set(VS, draftObjects(draft).find((o) => o.kind === 'VirtualService') as KubeObject);
    expect(draftEnginePlan(draft, compareDraft(draft, already, [], NOW), 'r').steps).toEqual([]);
  });

  it('refuses a merge whose weights no longer add up to 100', () => {
    const draft = clusterDraft((d) => setSplit(d, shares({ v1: 60, v2: 40 })));
    const live = liveOf(draft, (o) => {
      if (o.kind !== 'VirtualService') return o;
      return applyJsonPatch(o, [
        { op: 'replace', path: '/spec/http/1/route/0/weight', value: 80 },
        { op: 'replace', path: '/spec/http/1/route/1/weight', value: 20 },
      ]);
    });
    const at = (i: number, take: 'draft' | 'live'): ConflictResolution => ({
      kind: 'VirtualService',
      namespace: 'shop',
      name: 'reviews',
      path: `/spec/http/1/route/${i}/weight`,
      take,
    });
    const comparison = compareDraft(draft, live, [at(0, 'draft'), at(1, 'live')], NOW);
    expect(comparison.view.ok).toBe(true);
    expect(() => draftEnginePlan(draft, comparison, 'r')).toThrow(/weights add up to 80, not 100/);
  });
});
