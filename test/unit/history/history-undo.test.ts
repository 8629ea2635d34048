import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import { sameContent } from '../../../main/core/apply/inverse-patch.ts';
import { createHistoryStore } from '../../../main/core/history/history-store.ts';
import { undoChange } from '../../../main/core/history/history-undo.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addVersion, planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { shares } from '../../helpers/shares.ts';
import { createMemoryKube, reviewsObjects } from '../apply/apply-memory-kube-api.ts';

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };
const who = { context: 'demo', user: 'demo-admin' };
type Vs = { spec: { http: Array<{ route: Array<{ weight: number }>; timeout?: string }> } };
const weights = (o: KubeObject | undefined) => (o as unknown as Vs).spec.http[0]?.route.map((r) => r.weight);

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-undo-'));
  dirs.push(dir);
  const { vs, dr } = reviewsObjects();
  const kube = createMemoryKube([vs, dr]);
  const history = createHistoryStore({ dir });
  const engine = createApplyEngine({ api: kube.api, verify: kube.verify, history, pauseMs: 0 });
  const objects = () => [kube.read(vsRef), kube.read(drRef)] as KubeObject[];
  const release = () => readIstioReleases(objects())[0]!;
  return { kube, history, engine, objects, release };
}

describe('undo', () => {
  it('undoes a change with a new planned apply, recorded as an undo of the entry', async () => {
    const t = await setup();
    const vsBefore = t.kube.read(vsRef)!;
    const drBefore = t.kube.read(drRef)!;
    const desired = setSplit(
      addVersion(t.release(), { name: 'v3', labels: { version: 'v3' } }),
      shares({ v1: 80, v2: 10, v3: 10 }),
    );
    const applied = await t.engine.apply({ plan: planRelease(t.release(), desired, t.objects()), ...who });
    expect(applied.ok).toBe(true);
    const id = applied.ok ? (applied.historyId as string) : '';
    t.kube.calls.length = 0;
    const undone = await undoChange({ api: t.kube.api, engine: t.engine, history: t.history }, id, who);
    expect(undone.ok).toBe(true);
    // Route away from v3 first, then drop the subset: make-before-break in reverse.
    expect(t.kube.calls.filter((c) => c.startsWith('patch '))).toEqual([
      'patch VirtualService/reviews',
      'patch DestinationRule/reviews',
    ]);
    expect(sameContent(t.kube.read(vsRef)!, vsBefore)).toBe(true);
    expect(sameContent(t.kube.read(drRef)!, drBefore)).toBe(true);
    const newest = (await t.history.read()).entries[0];
    expect(newest?.kind).toBe('undo');
    expect(newest?.undoOf).toBe(id);
  });

  it('refuses with before, after and live when the changed field was changed again since', async () => {
    const t = await setup();
    const applied = await t.engine.apply({
      plan: planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects()),
      ...who,
    });
    const id = applied.ok ? (applied.historyId as string) : '';
    const cur = t.kube.read(vsRef)!;
    (cur as unknown as Vs).spec.http[0]!.route[0]!.weight = 20;
    (cur as unknown as Vs).spec.http[0]!.route[1]!.weight = 80;
    t.kube.put(cur);
    t.kube.calls.length = 0;
    const undone = await undoChange({ api: t.kube.api, engine: t.engine, history: t.history }, id, who);
    expect(undone.ok).toBe(false);
    if (undone.ok || !('refused' in undone)) throw new Error('expected a refusal');
    expect(undone.error.code).toBe('conflict');
    expect(undone.threeWay).toHaveLength(1);
    const view = undone.threeWay[0]!;
    expect([
      weights(view.before ?? undefined),
      weights(view.after ?? undefined),
      weights(view.live ?? undefined),
    ]).toEqual([
      [90, 10],
      [50, 50],
      [20, 80],
    ]);
    expect(view.paths).toEqual(['/spec/http/0/route/0/weight']);
    expect(t.kube.calls.filter((c) => !c.startsWith('get'))).toEqual([]);
  });

  it('keeps a concurrent change to another field while undoing', async () => {
    const t = await setup();
    const applied = await t.engine.apply({
      plan: planRelease(t.release(), setSplit(t.release(), shares({ v1: 50, v2: 50 })), t.objects()),
      ...who,
    });
    const id = applied.ok ? (applied.historyId as string) : '';
    const cur = t.kube.read(vsRef)!;
    (cur as unknown as Vs).spec.http[0]!.timeout = '3s';
    t.kube.put(cur);
    const undone = await undoChange({ api: t.kube.api, engine: t.engine, history: t.history }, id, who);
    expect(undone.ok).toBe(true);
    const live = t.kube.read(vsRef) as unknown as Vs;
    expect(live.spec.http[0]?.route.map((r) => r.weight)).toEqual([90, 10]);
    expect(live.spec.http[0]?.timeout).toBe('3s');
  });

  it('answers not-found for an unknown entry', async () => {
    const t = await setup();
    const undone = await undoChange({ api: t.kube.api, engine: t.engine, history: t.history }, 'nope', who);
    expect(undone.ok).toBe(false);
    if (!undone.ok) expect(undone.error).toEqual({ code: 'not-found', message: "no history entry 'nope'" });
  });
});
