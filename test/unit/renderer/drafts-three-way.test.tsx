// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { ThreeWayView } from '../../../renderer/src/features/drafts/three-way-view.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createDraftsStore } from '../../../renderer/src/stores/drafts-store.ts';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { compareView, draftView, fakeApi, ok, plan } from './drafts-fixtures.ts';

const dom = freshDomHost();

const button = (name: string) => buttonIn(dom.host, name);
const radio = (group: string, label: string) => {
  const g = dom.host.querySelector(`[role="radiogroup"][aria-label="${group}"]`);
  const l = [...(g?.querySelectorAll('label') ?? [])].find((x) => x.textContent?.trim() === label);
  return l?.querySelector('input') as HTMLInputElement;
};

async function mounted() {
  const fake = fakeApi({
    'drafts.get': (r: { id: string }) => ok(draftView(r.id, { v1: 100, v2: 0 })),
    'drafts.compare': (r: { id: string }) => ok(compareView(r.id)),
    'drafts.plan': () => ok(plan),
  });
  const releases = createReleaseStore(fake.api);
  const apply = createApplyStore(fake.api, () => {});
  const drafts = createDraftsStore(fake.api, { releases, apply });
  await drafts.getState().openDraft('d1');
  await drafts.getState().compareWithCluster();
  await act(async () => dom.root.render(<ThreeWayView drafts={drafts} />));
  return { ...fake, drafts, apply };
}

describe('the three-way comparison', () => {
  it('shows each object with its outcome, and base, draft and live of each overlap', async () => {
    await mounted();
    const region = dom.host.querySelector('section[aria-label="Three-way comparison"]');
    expect(region).not.toBeNull();
    const items = [...dom.host.querySelectorAll('li[aria-label]')].map((li) => li.getAttribute('aria-label'));
    expect(items).toEqual(['VirtualService bookinfo/reviews', 'DestinationRule bookinfo/reviews']);
    expect(dom.host.textContent).toContain('conflict: the draft and the cluster changed the same fields');
    expect(dom.host.textContent).toContain('merged: the draft’s changes and the cluster’s do not overlap');
    const headings = [...dom.host.querySelectorAll('.conflict-choice')[0]!.querySelectorAll('h5')].map(
      (h) => h.textContent,
    );
    expect(headings).toEqual(['Base', 'Draft', 'Live']);
    expect(dom.host.querySelector('figure[aria-label="Live"] pre')?.textContent).toBe('50');
  });

  it('keeps "Apply draft" disabled until every overlap is resolved, then plans with the choices', async () => {
    const t = await mounted();
    const weight = 'Resolve VirtualService reviews /spec/http/0/route/0/weight';
    const rule = 'Resolve VirtualService reviews /spec/http/1';
    expect(button('Apply draft').disabled).toBe(true);
    await act(async () => radio(weight, 'Keep draft').click());
    expect(radio(weight, 'Keep draft').checked).toBe(true);
    expect(button('Apply draft').disabled).toBe(true);
    expect(dom.host.textContent).toContain('1 overlap left to resolve');
    await act(async () => radio(rule, 'Take live').click());
    expect(button('Apply draft').disabled).toBe(false);
    await act(async () => button('Apply draft').click());
    expect(t.sent('drafts.plan')[0]?.resolutions?.map((r) => r.take)).toEqual(['draft', 'live']);
    expect(t.apply.getState().review?.plan?.planId).toBe('plan-1');
  });
});
