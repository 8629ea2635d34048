import { describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import type { ApplyProgress, EngineClock } from '../../../main/core/apply/apply-types.ts';
import { sameContent } from '../../../main/core/apply/inverse-patch.ts';
import type { NewHistoryEntry } from '../../../main/core/history/history-types.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addVersion, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { shares } from '../../helpers/shares.ts';
import { createMemoryKube, reviewsObjects } from './apply-memory-kube-api.ts';

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };

function setup(opts: { pauseMs?: number; verifyTimeoutMs?: number } = {}) {
  const { vs, dr } = reviewsObjects();
  const kube = createMemoryKube([vs, dr]);
  const sleeps: number[] = [];
  const clock: EngineClock = { now: () => 0, sleep: async (ms) => void sleeps.push(ms) };
  const recorded: NewHistoryEntry[] = [];
  const history = {
    record: async (e: NewHistoryEntry) => {
      recorded.push(e);
      return { ...e, id: `h${recorded.length}`, time: 't' };
    },
  };
  const engine = createApplyEngine({
    api: kube.api,
    verify: kube.verify,
    clock,
    history,
    pauseMs: opts.pauseMs ?? 250,
    verifyTimeoutMs: opts.verifyTimeoutMs ?? 1000,
  });
  const objects = () => [kube.read(vsRef), kube.read(drRef)] as KubeObject[];
  const release = () => readIstioReleases(objects())[0]!;
  return { kube, engine, sleeps, recorded, objects, release };
}

const who = { context: 'demo', user: 'demo-admin' };
const weights = (o: KubeObject | undefined) =>
  ((o?.spec as { http: Array<{ route: Array<{ weight: number }> }> } | undefined)?.http[0]?.route ?? []).map(
    (r) => r.weight,
  );

describe('apply engine', () => {
  it('applies a weight change with one dry-run and one patch, and records before and after', async () => {
    const t = setup();
    const plan = planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects());
    t.kube.calls.length = 0;
    const result = await t.engine.apply({ plan, objects: t.objects(), ...who });
    expect(result.ok).toBe(true);
    expect(t.kube.calls).toEqual(['patch-dry-run VirtualService/reviews', 'patch VirtualService/reviews']);
    expect(weights(t.kube.read(vsRef))).toEqual([50, 50]);
    expect(t.recorded).toHaveLength(1);
    expect(weights(t.recorded[0]?.steps[0]?.before ?? undefined)).toEqual([90, 10]);
    expect(weights(t.recorded[0]?.steps[0]?.after ?? undefined)).toEqual([50, 50]);
    expect(result.ok ? result.historyId : undefined).toBe('h1');
  });

  it('adds the subset before routing to it, pausing between the dependent steps', async () => {
    const t = setup({ pauseMs: 300 });
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    const events: ApplyProgress['type'][] = [];
    t.kube.calls.length = 0;
    const result = await t.engine.apply({
      plan: planRelease(t.release(), desired, t.objects()),
      ...who,
      onProgress: (e) => events.push(e.type),
    });
    expect(result.ok).toBe(true);
    const writes = t.kube.calls.filter((c) => c.startsWith('patch '));
    expect(writes).toEqual(['patch DestinationRule/reviews', 'patch VirtualService/reviews']);
    expect(t.sleeps).toEqual([300]);
    expect(events.indexOf('paused')).toBeGreaterThan(events.indexOf('step-verified'));
    expect(weights(t.kube.read(vsRef))).toEqual([80, 10, 10]);
  });

  it('rolls back the DestinationRule when the VirtualService write fails with a 500, leaving the route untouched', async () => {
    const t = setup();
    const drBefore = t.kube.read(drRef)!;
    const vsBefore = t.kube.read(vsRef)!;
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    t.kube.failNext('patch', 500, { kind: 'VirtualService' });
    const result = await t.engine.apply({ plan: planRelease(t.release(), desired, t.objects()), ...who });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('unavailable');
    expect(result.steps.map((s) => [s.id, s.state])).toEqual([
      ['add-subsets', 'rolled-back'],
      ['update-route', 'untouched'],
    ]);
    expect(sameContent(t.kube.read(drRef)!, drBefore)).toBe(true);
    expect(t.kube.read(vsRef)?.metadata.resourceVersion).toBe(vsBefore.metadata.resourceVersion);
    expect(t.recorded).toHaveLength(0);
  });

  it('finds out that a write answered with 500 did happen, and rolls it back too', async () => {
    const t = setup();
    const before = t.kube.read(vsRef)!;
    t.kube.failNext('patch', 503, { afterWrite: true });
    const result = await t.engine.apply({
      plan: planRelease(t.release(), setSplit(t.release(), shares({ v1: 0, v2: 100 })), t.objects()),
      ...who,
    });
    expect(result.ok).toBe(false);
    expect(result.steps[0]?.state).toBe('rolled-back');
    expect(sameContent(t.kube.read(vsRef)!, before)).toBe(true);
  });

  it('rebases onto a concurrent change of another field and keeps both changes', async () => {
    const t = setup();
    const plan = planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects());
    t.kube.beforeNext('patch', () => {
      const cur = t.kube.read(vsRef)!;
      (cur.spec as { http: Array<{ retries: { perTryTimeout: string } }> }).http[0]!.retries.perTryTimeout =
        '7s';
      t.kube.put(cur);
    });
    const result = await t.engine.apply({ plan, objects: t.objects(), ...who });
    expect(result.ok).toBe(true);
    expect(result.steps[0]?.rebased).toBe(1);
    const live = t.kube.read(vsRef)!;
    expect(weights(live)).toEqual([50, 50]);
    expect(
      (live.spec as { http: Array<{ retries: { perTryTimeout: string } }> }).http[0]?.retries.perTryTimeout,
    ).toBe('7s');
  });

  it('stops with both sides when a concurrent change touched a weight it replaces', async () => {
    const t = setup();
    const plan = planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects());
    t.kube.beforeNext('patch', () => {
      const cur = t.kube.read(vsRef)!;
      const route = (cur.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[0]!.route;
      route[0]!.weight = 70;
      route[1]!.weight = 30;
      t.kube.put(cur);
    });
    const result = await t.engine.apply({ plan, objects: t.objects(), ...who });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('conflict');
    expect(result.conflict?.paths).toContain('/spec/http/0/route/0/weight');
    expect(weights(result.conflict?.ours.intended ?? undefined)).toEqual([50, 50]);
    expect(weights(result.conflict?.theirs ?? undefined)).toEqual([70, 30]);
    expect(weights(t.kube.read(vsRef))).toEqual([70, 30]);
    expect(result.steps[0]?.state).toBe('untouched');
  });

  it('names the verb, resource and namespace on a 403 and writes nothing', async () => {
    const t = setup();
    t.kube.failNext('patch', 403, { dryRun: true });
    const result = await t.engine.apply({
      plan: planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects()),
      ...who,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('forbidden');
    expect(result.error.message).toMatch(
      /^you may not patch virtualservices\.networking\.istio\.io in bookinfo/,
    );
    expect(t.kube.calls.filter((c) => c.startsWith('patch '))).toEqual([]);
  });

  it('refuses a plan that would pass through a split that does not add up to 100, before any call', async () => {
    const t = setup();
    const rv = t.kube.read(vsRef)?.metadata.resourceVersion;
    const plan = {
      releaseId: 'x',
      steps: [
        {
          id: 'half',
          description: 'first half',
          target: vsRef,
          patch: [
            { op: 'test' as const, path: '/metadata/resourceVersion', value: rv },
            { op: 'replace' as const, path: '/spec/http/0/route/0/weight', value: 50 },
          ],
        },
        {
          id: 'other-half',
          description: 'second half',
          target: vsRef,
          patch: [{ op: 'replace' as const, path: '/spec/http/0/route/1/weight', value: 50 }],
        },
      ],
    };
    t.kube.calls.length = 0;
    const result = await t.engine.apply({ plan, objects: t.objects(), ...who });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/step 'half'.*weights add up to 60, not 100/);
    expect(t.kube.calls).toEqual([]);
  });

  it('rolls back when the watch never confirms a step', async () => {
    const t = setup({ verifyTimeoutMs: 50 });
    const never = createApplyEngine({
      api: t.kube.api,
      verify: () => new Promise(() => {}),
      verifyTimeoutMs: 50,
      pauseMs: 0,
    });
    const before = t.kube.read(vsRef)!;
    const result = await never.apply({
      plan: planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects()),
      ...who,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('timeout');
    expect(result.objects).toEqual([{ target: vsRef, state: 'rolled-back' }]);
    expect(sameContent(t.kube.read(vsRef)!, before)).toBe(true);
  });

  it('dry-runs a plan and returns the server view of every step', async () => {
    const t = setup();
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    const dry = await t.engine.dryRun(planRelease(t.release(), desired, t.objects()), t.objects());
    expect(dry.ok).toBe(true);
    if (!dry.ok) return;
    expect(dry.steps.map((s) => s.id)).toEqual(['add-subsets', 'update-route']);
    expect(weights(dry.steps[1]?.after ?? undefined)).toEqual([80, 10, 10]);
    expect(dry.steps[0]?.changes.every((c) => c.op !== 'test')).toBe(true);
    expect(t.kube.calls.filter((c) => c.startsWith('patch '))).toEqual([]);
  });
});
