import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameContent } from '../../../main/core/apply/inverse-patch.ts';
import { undoChange } from '../../../main/core/history/history-undo.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addVersion, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { shares } from '../../helpers/shares.ts';
import type { Harness } from './demo-harness.ts';
import { splitOf, startHarness } from './demo-harness.ts';

const who = { context: 'demo-admin', user: 'demo-admin' };
const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ demo: { requestsPerSecond: 0 }, pauseMs: 50 });
});
afterAll(async () => {
  await h?.stop();
});

function weightsTo(vs: KubeObject, weights: number[]): KubeObject {
  const copy = structuredClone(vs) as KubeObject & {
    spec: { http: Array<{ route: Array<{ weight: number }> }> };
  };
  copy.spec.http.at(-1)?.route.forEach((r, i) => {
    r.weight = weights[i] ?? 0;
  });
  return copy;
}

describe('history and undo against the demo mesh', () => {
  it('records a change, reads it back, and undoes it as a planned apply (route first, then the subset)', async () => {
    const vsBefore = await h.api.get(vsRef);
    const drBefore = await h.api.get(drRef);
    const release = h.release();
    const desired = setSplit(
      addVersion(release, { name: 'v7', labels: { app: 'reviews', version: 'v7' } }),
      shares({ v1: 70, v2: 10, v3: 10, v7: 10 }),
    );
    const applied = await h.engine.apply({
      plan: planRelease(release, desired, h.objects()),
      objects: h.objects(),
      ...who,
    });
    expect(applied.ok).toBe(true);
    const id = applied.ok ? (applied.historyId as string) : '';
    const entry = await h.history.get(id);
    expect(entry?.steps.map((s) => s.id)).toEqual(['add-subsets', 'update-route']);
    expect(entry?.user).toBe('demo-admin');

    const order: string[] = [];
    const undone = await undoChange({ api: h.api, engine: h.engine, history: h.history }, id, {
      ...who,
      onProgress: (e) => e.type === 'step-applied' && order.push(e.stepId),
    });
    expect(undone.ok).toBe(true);
    expect(order).toEqual(['undo-update-route', 'undo-add-subsets']);
    expect(sameContent(await h.api.get(vsRef), vsBefore)).toBe(true);
    expect(sameContent(await h.api.get(drRef), drBefore)).toBe(true);
    const newest = (await h.history.read()).entries[0];
    expect(newest?.undoOf).toBe(id);
  });

  it('refuses to undo after a concurrent change of the same weights, showing before, after and live', async () => {
    const release = h.release();
    const applied = await h.engine.apply({
      plan: planRelease(release, setSplit(release, shares({ v1: 40, v2: 30, v3: 30 })), h.objects()),
      objects: h.objects(),
      ...who,
    });
    const id = applied.ok ? (applied.historyId as string) : '';
    const type = h.demo.store.typeFor(vsRef.apiVersion, vsRef.kind);
    if (!type) throw new Error('no VirtualService type');
    h.demo.store.update(
      weightsTo(h.demo.store.get(type, 'bookinfo', 'reviews') as KubeObject, [20, 40, 40]),
      { manager: 'someone-else' },
    );
    const liveBefore = await h.api.get(vsRef);
    const undone = await undoChange({ api: h.api, engine: h.engine, history: h.history }, id, who);
    expect(undone.ok).toBe(false);
    if (undone.ok || !('refused' in undone)) throw new Error('expected a refusal');
    expect(undone.error.code).toBe('conflict');
    const view = undone.threeWay[0];
    expect(splitOf(view?.after ?? undefined)).toEqual({ v1: 40, v2: 30, v3: 30 });
    expect(splitOf(view?.live ?? undefined)).toEqual({ v1: 20, v2: 40, v3: 40 });
    expect(splitOf(view?.before ?? undefined)).toEqual({ v1: 80, v2: 10, v3: 10 });
    expect((await h.api.get(vsRef)).metadata.resourceVersion).toBe(liveBefore.metadata.resourceVersion);
  });
});
