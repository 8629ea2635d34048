import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import { sameContent } from '../../../main/core/apply/inverse-patch.ts';
import { verifyThroughWatchCache } from '../../../main/core/apply/watch-cache-adapter.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addVersion, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { shares } from '../../helpers/shares.ts';
import type { Harness } from './demo-harness.ts';
import { defaultRoute, splitOf, startHarness } from './demo-harness.ts';

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
  h = await startHarness({ demo: { requestsPerSecond: 0 } });
});
afterAll(async () => {
  await h?.stop();
});

/** A direct write to the demo's store: another operator, between our plan and our patch. */
function otherWriter(
  edit: (vs: KubeObject & { spec: { http: Array<Record<string, unknown>> } }) => void,
): void {
  const type = h.demo.store.typeFor(vsRef.apiVersion, vsRef.kind);
  if (!type) throw new Error('the demo does not serve VirtualServices');
  const cur = structuredClone(h.demo.store.get(type, 'bookinfo', 'reviews')) as KubeObject & {
    spec: { http: Array<Record<string, unknown>> };
  };
  edit(cur);
  h.demo.store.update(cur, { manager: 'someone-else' });
}

describe('apply engine against the demo mesh', () => {
  it('applies a weight change confirmed through the watch with one dry-run and one patch, keeping retries and timeouts', async () => {
    const release = h.release();
    const plan = planRelease(release, setSplit(release, shares({ v1: 50, v2: 25, v3: 25 })), h.objects());
    h.resetCounts();
    const result = await h.engine.apply({ plan, objects: h.objects(), ...who });
    expect(result.ok).toBe(true);
    expect({ ...h.counts }).toEqual({ 'patch-dry-run': 1, patch: 1 });
    const cached = h.objects().find((o) => o.kind === 'VirtualService' && o.metadata.name === 'reviews');
    expect(cached?.metadata.resourceVersion).toBe(result.steps[0]?.resourceVersion);
    expect(splitOf(cached)).toEqual({ v1: 50, v2: 25, v3: 25 });
    expect(defaultRoute(cached)).toMatchObject({
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
    });
  });

  it('rolls back the DestinationRule when the API answers 500 between the subset step and the route step', async () => {
    const drBefore = await h.api.get(drRef);
    const vsBefore = await h.api.get(vsRef);
    const release = h.release();
    const desired = setSplit(
      addVersion(release, { name: 'v9', labels: { app: 'reviews', version: 'v9' } }),
      shares({ v1: 50, v2: 25, v3: 15, v9: 10 }),
    );
    const result = await h.engine.apply({
      plan: planRelease(release, desired, h.objects()),
      objects: h.objects(),
      ...who,
      onProgress: (e) => {
        if (e.type === 'step-verified' && e.stepId === 'add-subsets')
          h.demo.faults.failNext({ verb: 'patch', resource: 'virtualservices', code: 500 });
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('unavailable');
    expect(result.steps.map((s) => [s.id, s.state])).toEqual([
      ['add-subsets', 'rolled-back'],
      ['update-route', 'untouched'],
    ]);
    const drAfter = await h.api.get(drRef);
    expect(sameContent(drAfter, drBefore)).toBe(true);
    expect(drAfter.metadata.resourceVersion).not.toBe(drBefore.metadata.resourceVersion);
    expect((await h.api.get(vsRef)).metadata.resourceVersion).toBe(vsBefore.metadata.resourceVersion);
  });

  it('rebases onto a concurrent writer who changed the retries timeout, and keeps both changes', async () => {
    const release = h.release();
    const plan = planRelease(release, setSplit(release, shares({ v1: 60, v2: 20, v3: 20 })), h.objects());
    const result = await h.engine.apply({
      plan,
      objects: h.objects(),
      ...who,
      onProgress: (e) => {
        if (e.type === 'step-started')
          otherWriter(
            (vs) =>
              ((vs.spec.http.at(-1) as { retries: { perTryTimeout: string } }).retries.perTryTimeout = '4s'),
          );
      },
    });
    expect(result.ok).toBe(true);
    expect(result.steps[0]?.rebased).toBe(1);
    const live = await h.api.get(vsRef);
    expect(splitOf(live)).toEqual({ v1: 60, v2: 20, v3: 20 });
    expect(defaultRoute(live)?.retries?.perTryTimeout).toBe('4s');
  });

  it('stops with both sides when the concurrent writer changed a weight', async () => {
    const release = h.release();
    const plan = planRelease(release, setSplit(release, shares({ v1: 70, v2: 20, v3: 10 })), h.objects());
    const result = await h.engine.apply({
      plan,
      objects: h.objects(),
      ...who,
      onProgress: (e) => {
        if (e.type === 'step-started')
          otherWriter((vs) => {
            const route = (vs.spec.http.at(-1) as { route: Array<{ weight: number }> }).route;
            route[0]!.weight = 40;
            route[1]!.weight = 40;
          });
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('conflict');
    expect(result.conflict?.paths).toEqual(expect.arrayContaining(['/spec/http/2/route/0/weight']));
    expect(splitOf(result.conflict?.ours.intended ?? undefined)).toEqual({ v1: 70, v2: 20, v3: 10 });
    expect(splitOf(result.conflict?.theirs ?? undefined)).toEqual({ v1: 40, v2: 40, v3: 20 });
    expect(splitOf(await h.api.get(vsRef))).toEqual({ v1: 40, v2: 40, v3: 20 });
  });

  it('tells demo-viewer which verb on which resource it may not use, and changes nothing', async () => {
    const viewerEngine = createApplyEngine({
      api: h.viewerApi,
      verify: verifyThroughWatchCache(h.cache),
      pauseMs: 0,
    });
    const before = await h.api.get(vsRef);
    const release = h.release();
    const result = await viewerEngine.apply({
      plan: planRelease(release, setSplit(release, shares({ v1: 100 })), h.objects()),
      objects: h.objects(),
      context: 'demo-viewer',
      user: 'demo-viewer',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('forbidden');
    expect(result.error.message).toMatch(
      /^you may not patch virtualservices\.networking\.istio\.io in bookinfo/,
    );
    expect(result.objects).toEqual([{ target: vsRef, state: 'untouched' }]);
    expect((await h.api.get(vsRef)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('records every applied change in the history with before and after', async () => {
    const page = await h.history.read();
    expect(page.skipped).toEqual([]);
    const descriptions = page.entries.map((e) => e.description);
    expect(descriptions.some((d) => d.includes('split v1 50%, v2 25%, v3 25%'))).toBe(true);
    expect(descriptions.some((d) => d.includes('split v1 60%, v2 20%, v3 20%'))).toBe(true);
    expect(page.entries).toHaveLength(2);
    const rebased = page.entries[0]!;
    expect(splitOf(rebased.steps[0]?.before ?? undefined)).toEqual({ v1: 50, v2: 25, v3: 25 });
    expect(splitOf(rebased.steps[0]?.after ?? undefined)).toEqual({ v1: 60, v2: 20, v3: 20 });
    expect(rebased.context).toBe('demo-admin');
  });
});
