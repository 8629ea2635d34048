import { describe, expect, it } from 'vitest';
import { draftReleaseKey } from '../../../renderer/src/features/drafts/draft-keys.ts';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createDraftsStore } from '../../../renderer/src/stores/drafts-store.ts';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import type { DraftView } from '../../../shared/api/draft-schemas.ts';
import { compareView, draftView, fakeApi, ok, plan } from './drafts-fixtures.ts';

const summaryOf = ({ release: _r, baseRelease: _b, diff: _d, ...s }: DraftView) => s;

function setup(handlers: Parameters<typeof fakeApi>[0] = {}) {
  const fake = fakeApi({
    'drafts.get': (r: { id: string }) => ok(draftView(r.id, { v1: 100, v2: 0 })),
    'drafts.list': () => ok({ drafts: [summaryOf(draftView('d1', { v1: 100, v2: 0 }))], problems: [] }),
    ...handlers,
  });
  const releases = createReleaseStore(fake.api);
  const apply = createApplyStore(fake.api, () => {});
  const drafts = createDraftsStore(fake.api, { releases, apply });
  return { ...fake, releases, apply, drafts };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the drafts store', () => {
  it('reloads the list when main says drafts changed, and shows set-aside files', async () => {
    let listed = 0;
    const t = setup({
      'drafts.list': () =>
        ok({
          drafts: Array.from({ length: ++listed }, (_, i) => summaryOf(draftView(`d${i}`, { v1: 100 }))),
          problems: [{ file: 'broken.json', setAsideAs: 'broken.json.corrupt', reason: 'not JSON' }],
        }),
    });
    await t.drafts.getState().load();
    expect(t.drafts.getState().drafts).toHaveLength(1);
    t.emit('drafts.changed', { ids: ['d1'] });
    await tick();
    expect(t.sent('drafts.list')).toHaveLength(2);
    expect(t.drafts.getState().drafts.map((d) => d.id)).toEqual(['d0', 'd1']);
    expect(t.drafts.getState().problems[0]?.setAsideAs).toBe('broken.json.corrupt');
  });

  it('says why when drafts are not available, instead of an empty list', async () => {
    const t = setup({ 'drafts.list': undefined });
    await t.drafts.getState().load();
    expect(t.drafts.getState().listError?.code).toBe('unavailable');
    expect(t.drafts.getState().drafts).toEqual([]);
  });

  it('opens a draft into the release store under its draft key, without loading it from a cluster', async () => {
    const t = setup();
    expect(await t.drafts.getState().openDraft('d1')).toBeUndefined();
    const view = t.drafts.getState().open?.view;
    const key = view && draftReleaseKey(view);
    expect(key).toBe('draft:d1|istio:bookinfo/reviews');
    expect(t.releases.getState().edits[key ?? '']?.split.map((v) => v.weight)).toEqual([100, 0]);
    expect(t.sent('release.get')).toEqual([]);
    expect(t.drafts.getState().isDirty()).toBe(false);
  });

  it('saves the edited split as the desired release, with the notes, and is clean after', async () => {
    const t = setup({
      'drafts.update': (r: { id: string; notes?: string }) =>
        ok(draftView(r.id, { v1: 80, v2: 20 }, { notes: r.notes ?? '' })),
    });
    await t.drafts.getState().openDraft('d1');
    const key = draftReleaseKey(t.drafts.getState().open?.view ?? draftView('x', {})) ?? '';
    t.releases.getState().move(key, 'v2', 20);
    t.drafts.getState().setNotes('watch the error rate');
    expect(t.drafts.getState().isDirty()).toBe(true);
    expect(await t.drafts.getState().save()).toBe(true);
    expect(t.sent('drafts.update')).toEqual([
      {
        id: 'd1',
        desired: {
          split: [
            { version: 'v1', weight: 80 },
            { version: 'v2', weight: 20 },
          ],
          rules: [],
        },
        notes: 'watch the error rate',
      },
    ]);
    expect(t.drafts.getState().isDirty()).toBe(false);
    expect(t.drafts.getState().open?.view.notes).toBe('watch the error rate');
  });

  it('hands the plan to the review dialog with the resolutions, and marks the draft applied', async () => {
    let applied = false;
    const t = setup({
      'drafts.compare': (r: { id: string }) => ok(compareView(r.id)),
      'drafts.plan': () => ok(plan),
      'release.apply': () => {
        applied = true;
        return ok({ planId: 'plan-1', ok: true, historyId: 'h1', steps: [{ id: 's1', state: 'done' }] });
      },
      'drafts.get': (r: { id: string }) =>
        ok(draftView(r.id, { v1: 100, v2: 0 }, applied ? { applied: { at: '2025-01-02T11:00:00Z' } } : {})),
    });
    await t.drafts.getState().openDraft('d1');
    await t.drafts.getState().compareWithCluster();
    const compare = t.drafts.getState().compare;
    const vs = compare?.objects[0];
    if (!vs) throw new Error('no comparison');
    t.drafts.getState().resolve(vs, vs.conflicts[0]!, 'draft');
    t.drafts.getState().resolve(vs, vs.conflicts[1]!, 'live');
    await t.drafts.getState().plan();
    expect(t.sent('drafts.plan')).toEqual([
      {
        id: 'd1',
        resolutions: [
          {
            kind: 'VirtualService',
            namespace: 'bookinfo',
            name: 'reviews',
            path: vs.conflicts[0]!.path,
            take: 'draft',
          },
          {
            kind: 'VirtualService',
            namespace: 'bookinfo',
            name: 'reviews',
            path: '/spec/http/1',
            take: 'live',
          },
        ],
      },
    ]);
    const review = t.apply.getState().review;
    expect(review?.status).toBe('ready');
    expect(review?.plan).toEqual(plan);
    expect(review?.title).toBe('Apply draft “Canary d1”');

    const listsBefore = t.sent('drafts.list').length;
    await t.apply.getState().apply();
    await tick();
    expect(t.apply.getState().review?.status).toBe('applied');
    expect(t.drafts.getState().open?.justApplied).toBe(true);
    expect(t.drafts.getState().open?.view.applied?.at).toBe('2025-01-02T11:00:00Z');
    expect(t.sent('drafts.list').length).toBeGreaterThan(listsBefore);
  });

  it('compares afresh when the cluster moved again, keeping only choices that still hold', async () => {
    let live = '50';
    const t = setup({
      'drafts.compare': (r: { id: string }) => ok(compareView(r.id, live)),
      'drafts.plan': () => ({ ok: false, error: { code: 'conflict', message: 'the cluster moved' } }),
    });
    await t.drafts.getState().openDraft('d1');
    await t.drafts.getState().compareWithCluster();
    const vs = t.drafts.getState().compare?.objects[0];
    if (!vs) throw new Error('no comparison');
    t.drafts.getState().resolve(vs, vs.conflicts[0]!, 'live');
    t.drafts.getState().resolve(vs, vs.conflicts[1]!, 'draft');
    live = '30';
    await t.drafts.getState().plan();
    expect(t.sent('drafts.compare')).toHaveLength(2);
    expect(t.drafts.getState().notice).toMatch(/changed again/);
    expect(t.drafts.getState().compare?.objects[0]?.liveYaml).toBe('weight: 30');
    // The weight overlap changed live value: its choice is dropped; the rule overlap's stays.
    expect(
      t.drafts
        .getState()
        .resolutionList()
        .map((r) => r.path),
    ).toEqual(['/spec/http/1']);
    expect(t.apply.getState().review).toBeUndefined();
  });

  it('saves unsaved edits before exporting, and keeps the export for a download', async () => {
    const t = setup({
      'drafts.update': (r: { id: string }) => ok(draftView(r.id, { v1: 50, v2: 50 })),
      'drafts.export': () => ok({ text: 'kind: VirtualService\n', fileName: 'reviews.yaml' }),
    });
    await t.drafts.getState().openDraft('d1');
    t.releases.getState().even('draft:d1|istio:bookinfo/reviews');
    await t.drafts.getState().exportAs('kubectl-yaml');
    expect(
      t.calls.map((c) => c.channel).filter((c) => c.startsWith('drafts.') && c !== 'drafts.list'),
    ).toEqual(['drafts.get', 'drafts.update', 'drafts.export']);
    expect(t.drafts.getState().exported).toMatchObject({ format: 'kubectl-yaml', fileName: 'reviews.yaml' });
  });

  it('closes a deleted draft and forgets its edits', async () => {
    const t = setup({ 'drafts.delete': () => ok({ deleted: true }) });
    await t.drafts.getState().openDraft('d1');
    expect(await t.drafts.getState().remove('d1')).toBeUndefined();
    expect(t.drafts.getState().open).toBeUndefined();
    expect(t.releases.getState().edits['draft:d1|istio:bookinfo/reviews']).toBeUndefined();
  });
});
