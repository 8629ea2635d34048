// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReviewDialog } from '../../../renderer/src/features/apply/review-dialog.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import type { ApplyResultView } from '../../../shared/api/console-schemas.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok, plan } from './drafts-fixtures.ts';

// Click → confirmed without fixed waits: the cluster's confirmation of every step (apply.progress
// "done", sent by main the moment its watch cache sees the change) is on screen in the render that
// follows the event, with time frozen; the call's result (after main has written its history) only
// adds the history link.

const dom = freshDomHost();

function setup() {
  let answer: (r: ApiResult<ApplyResultView>) => void = () => {};
  const fake = fakeApi({
    'release.apply': () =>
      new Promise<ApiResult<ApplyResultView>>((resolve) => {
        answer = resolve;
      }),
  });
  const applied: string[] = [];
  const store = createApplyStore(fake.api, (_c, releaseId) => applied.push(releaseId));
  store.getState().openPlan(plan, 'reviews: v1 80%, v2 20%');
  act(() => dom.root.render(<ReviewDialog store={store} />));
  return { fake, store, applied, answer: (r: ApiResult<ApplyResultView>) => answer(r) };
}

const text = () => dom.host.textContent ?? '';

describe('the review dialog confirms an apply', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('as soon as the cluster has confirmed every step, before the call returns', async () => {
    const { fake, store, answer, applied } = setup();
    await act(async () => buttonIn(dom.host, 'Apply').click());
    expect(store.getState().review?.status).toBe('applying');
    act(() => fake.emit('apply.progress', { planId: 'plan-1', stepId: 's1', state: 'verifying' }));
    expect(text()).not.toContain('Applied and confirmed by the cluster');
    act(() => fake.emit('apply.progress', { planId: 'plan-1', stepId: 's1', state: 'done' }));
    expect(text()).toContain('Applied and confirmed by the cluster');
    expect(vi.getTimerCount()).toBe(0);
    expect(buttonIn(dom.host, 'Close')?.disabled).toBe(false);

    await act(async () =>
      answer(ok({ planId: 'plan-1', ok: true, historyId: 'h1', steps: [{ id: 's1', state: 'done' }] })),
    );
    expect(text()).toContain('it is in History, where you can undo it');
    expect(store.getState().toast?.historyId).toBe('h1');
    expect(applied).toEqual([plan.releaseId]);
  });

  it('sends the call before the dialog re-renders as "Applying…" (that render is off the path)', async () => {
    const seen: string[] = [];
    const fake = fakeApi({
      'release.apply': () => {
        // The store change that re-renders the dialog has not happened yet.
        seen.push(`call sent while the review is ${store.getState().review?.status}`);
        return new Promise<ApiResult<ApplyResultView>>(() => {});
      },
    });
    const store = createApplyStore(fake.api, () => {});
    store.getState().openPlan(plan, 'reviews: v1 80%, v2 20%');
    act(() => dom.root.render(<ReviewDialog store={store} />));
    await act(async () => buttonIn(dom.host, 'Apply').click());
    expect(seen).toEqual(['call sent while the review is ready']);
    expect(store.getState().review?.status).toBe('applying');
    expect(buttonIn(dom.host, 'Applying…')).toBeTruthy();
  });

  it('not while a step is still unconfirmed, and not for another plan', async () => {
    const { fake, store } = setup();
    await act(async () => buttonIn(dom.host, 'Apply').click());
    act(() => fake.emit('apply.progress', { planId: 'other-plan', stepId: 's1', state: 'done' }));
    act(() => fake.emit('apply.progress', { planId: 'plan-1', stepId: 's1', state: 'applying' }));
    expect(store.getState().review?.status).toBe('applying');
    expect(text()).not.toContain('Applied and confirmed by the cluster');
  });

  it('a failure reported by the result still wins over an earlier confirmation', async () => {
    const { fake, store, answer } = setup();
    await act(async () => buttonIn(dom.host, 'Apply').click());
    act(() => fake.emit('apply.progress', { planId: 'plan-1', stepId: 's1', state: 'done' }));
    await act(async () =>
      answer({ ok: false, error: { code: 'internal', message: 'release.apply failed: disk full' } }),
    );
    expect(store.getState().review?.status).toBe('failed');
    expect(text()).toContain('disk full');
  });
});
