import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import { createHistoryStore } from '../../../main/core/history/history-store.ts';
import { undoChange } from '../../../main/core/history/history-undo.ts';
import {
  historyViewMemo,
  historyViews,
  type LiveObjectLookup,
  withIntent,
} from '../../../main/core/views/history-views.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';
import { createMemoryKube, reviewsObjects } from '../apply/apply-memory-kube-api.ts';

// History entries read as actions, undo entries say what they undid, and Undo says why it cannot
// apply (already undone, or the object changed since, with the resourceVersions it compared).

const vsRef = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'bookinfo',
  name: 'reviews',
};
const drRef = { ...vsRef, kind: 'DestinationRule' };
const who = { context: 'demo', user: 'demo-admin' };
type Vs = { spec: { http: Array<{ route: Array<{ weight: number }> }> } };

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-history-views-'));
  dirs.push(dir);
  const { vs, dr } = reviewsObjects();
  const kube = createMemoryKube([vs, dr]);
  const history = createHistoryStore({ dir });
  const engine = createApplyEngine({ api: kube.api, verify: kube.verify, history, pauseMs: 0 });
  const objects = () => [kube.read(vsRef), kube.read(drRef)] as KubeObject[];
  const release = () => readIstioReleases(objects())[0]!;
  const split = async (weights: Record<string, number>) => {
    const r = await engine.apply({
      plan: planRelease(
        release(),
        setSplit(
          release(),
          Object.entries(weights).map(([version, weight]) => ({ version, weight })),
        ),
        objects(),
      ),
      ...who,
    });
    if (!r.ok) throw new Error('apply failed');
    return r.historyId as string;
  };
  const live: LiveObjectLookup = (t) => kube.read({ ...vsRef, ...t }) ?? null;
  const views = async (lookup: LiveObjectLookup | undefined = live) =>
    historyViews((await history.read()).entries, () => lookup);
  return { kube, history, engine, split, views };
}

describe('history as actions', () => {
  it('reads a cut-over as the action it was, with Undo available', async () => {
    const t = await setup();
    const id = await t.split({ v1: 0, v2: 100 });
    const [entry] = await t.views();
    expect(entry).toMatchObject({ id, summary: 'v2 10% → 100% (switch all traffic)', undoable: true });
    expect(entry?.undoBlocked).toBeUndefined();
  });

  it('says what an undo undid, and disables Undo on the undone entry with the reason', async () => {
    const t = await setup();
    const id = await t.split({ v1: 80, v2: 20 });
    const undone = await undoChange({ api: t.kube.api, engine: t.engine, history: t.history }, id, who);
    expect(undone.ok).toBe(true);
    const [undo, original] = await t.views();
    expect(undo?.undoOf).toBe(id);
    expect(undo?.summary).toBe('Undid “v2 10% → 20%, v1 90% → 80%”: v1 80% → 90%, v2 20% → 10%');
    expect(original?.undoable).toBe(false);
    expect(original?.undoBlocked).toMatch(/^Already undone on .+ by demo-admin\.$/);
  });

  it('disables Undo when the object changed since, naming the resourceVersions it compared', async () => {
    const t = await setup();
    await t.split({ v1: 50, v2: 50 });
    const recorded = t.kube.read(vsRef)!.metadata.resourceVersion;
    const cur = t.kube.read(vsRef)!;
    (cur as unknown as Vs).spec.http[0]!.route[0]!.weight = 20;
    (cur as unknown as Vs).spec.http[0]!.route[1]!.weight = 80;
    t.kube.put(cur);
    const now = t.kube.read(vsRef)!.metadata.resourceVersion;
    expect(now).not.toBe(recorded);
    const [entry] = await t.views();
    expect(entry?.undoable).toBe(false);
    expect(entry?.compared).toEqual([{ object: 'VirtualService bookinfo/reviews', recorded, live: now }]);
    expect(entry?.undoBlocked).toBe(
      `Cannot undo: VirtualService bookinfo/reviews changed since (resourceVersion ${recorded} after this change, ${now} now). Undoing would overwrite that change.`,
    );
  });

  it('keeps Undo available when only unrelated fields changed, or when the cache cannot say', async () => {
    const t = await setup();
    await t.split({ v1: 50, v2: 50 });
    const afterChange = t.kube.read(vsRef)!;
    const cur = t.kube.read(vsRef)!;
    (cur.metadata as { labels?: Record<string, string> }).labels = { team: 'reviews' };
    t.kube.put(cur);
    expect((await t.views())[0]?.undoable).toBe(true);
    // Unknown to the cache: no verdict, the click-time check decides.
    expect((await t.views(() => undefined))[0]?.undoable).toBe(true);
    expect((await t.views(undefined))[0]?.undoable).toBe(true);
    // A cache that has not seen the change land yet (it still holds the object from before).
    const entries = (await t.history.read()).entries;
    const before = entries[0]?.steps[0]?.before ?? null;
    expect(afterChange.metadata.resourceVersion).not.toBe(before?.metadata.resourceVersion);
    expect((await t.views(() => before))[0]?.undoable).toBe(true);
  });
});

describe('the memo of History views', () => {
  it('plans an Undo once per entry and live objects, and again when one of them changes', async () => {
    const t = await setup();
    await t.split({ v1: 50, v2: 50 });
    await t.split({ v1: 40, v2: 60 });
    const memo = historyViewMemo();
    const live: LiveObjectLookup = (target) => t.kube.read({ ...vsRef, ...target }) ?? null;
    const read = async () => historyViews((await t.history.read()).entries, () => live, memo);
    const first = await read();
    expect(memo.planned).toBe(2);
    expect(await read()).toEqual(first);
    expect(memo.planned).toBe(2);
    // Someone else changes the VirtualService: every entry that touches it is checked again.
    const cur = t.kube.read(vsRef)!;
    (cur as unknown as Vs).spec.http[0]!.route[0]!.weight = 20;
    (cur as unknown as Vs).spec.http[0]!.route[1]!.weight = 80;
    t.kube.put(cur);
    const after = await read();
    expect(memo.planned).toBe(4);
    expect(after[0]?.undoable).toBe(false);
    expect(first[0]?.undoable).toBe(true);
    // The same views as worked out afresh.
    expect(after).toEqual(historyViews((await t.history.read()).entries, () => live, historyViewMemo()));
  });

  it('forgets everything past its size, and still answers', async () => {
    const t = await setup();
    await t.split({ v1: 50, v2: 50 });
    const memo = historyViewMemo(1);
    const live: LiveObjectLookup = (target) => t.kube.read({ ...vsRef, ...target }) ?? null;
    const entries = (await t.history.read()).entries;
    const a = historyViews(entries, () => live, memo);
    const b = historyViews(entries, () => live, memo);
    expect(b).toEqual(a);
  });
});

describe('withIntent', () => {
  it('names a roll back and the rules kept on purpose, which the objects alone cannot say', () => {
    expect(
      withIntent('v1 0% → 100% (switch all traffic)', 'reviews: roll back to v1; rule(s) x disabled'),
    ).toBe('v1 0% → 100% (roll back to v1)');
    expect(
      withIntent(
        'v1 80% → 100% (switch all traffic)',
        'reviews: all traffic to v1; rule(s) jason-on-v2, canary-header kept (their requests still reach their versions)',
      ),
    ).toBe(
      'v1 80% → 100% (switch all traffic); kept rule(s) jason-on-v2, canary-header (their requests still reach their versions)',
    );
    expect(withIntent('v2 10% → 20%', 'Change reviews')).toBe('v2 10% → 20%');
    expect(withIntent('v2 10% → 20%', 'reviews.bookinfo.svc.cluster.local: v2 20%')).toBe('v2 10% → 20%');
    expect(
      withIntent(
        'scaled reviews-v5 1 → 0 replicas',
        'bookinfo.reviews.v5: scale Deployment reviews-v5 to 0',
        true,
      ),
    ).toBe('scaled reviews-v5 1 → 0 replicas — release wizard: scale Deployment reviews-v5 to 0');
  });
});
