// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReviewDialog } from '../../../renderer/src/features/apply/review-dialog.tsx';
import { createApplyStore, PROXY_POLL_MS, PROXY_WAIT_MS } from '../../../renderer/src/stores/apply-store.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';
import type { ProxyConvergenceView } from '../../../shared/api/proxy-schemas.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok, plan } from './drafts-fixtures.ts';

// After an apply the dialog shows, beside the API server's confirmation, at how many proxies the
// change is in effect: read again every half second until all, then a warning naming the stale
// proxies when 30 s pass, or why the proxy status is not available.

const dom = freshDomHost();
const base = { contextId: 'demo', releaseId: plan.releaseId, checkedAt: '2026-12-05T08:00:00Z' };
const reading = (inEffect: number): Extract<ProxyConvergenceView, { known: true }> => ({
  ...base,
  known: true,
  host: 'reviews.bookinfo.svc.cluster.local',
  inEffect,
  total: 3,
  stale: [],
  counted: '2 sidecars in namespace bookinfo and 1 gateway',
  source: 'istiod istio-system/istiod:15014 /debug/syncz',
});

async function applyWith(answers: Array<ApiResult<ProxyConvergenceView>>) {
  let i = 0;
  const fake = fakeApi({
    'release.apply': async () =>
      ok({ planId: 'plan-1', ok: true, historyId: 'h1', steps: [{ id: 's1', state: 'done' }] }),
    'release.proxies': async () =>
      answers[Math.min(i++, answers.length - 1)] as ApiResult<ProxyConvergenceView>,
  });
  const store = createApplyStore(fake.api, () => {});
  store.getState().openPlan(plan, 'reviews: v1 80%, v2 20%');
  act(() => dom.root.render(<ReviewDialog store={store} />));
  await act(async () => buttonIn(dom.host, 'Apply').click());
  return { fake, store };
}

const statusText = () => dom.host.querySelector('[aria-label="Proxy status"]')?.textContent ?? '';

describe('the review dialog confirms an apply at the proxies', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows "in effect at N of M" beside the API confirmation and reads again until all', async () => {
    const { fake } = await applyWith([ok(reading(1)), ok(reading(3))]);
    expect(dom.host.textContent).toContain('accepted by the API server');
    expect(statusText()).toBe(
      'In effect at 1 of 3 proxies (2 sidecars in namespace bookinfo and 1 gateway); waiting for the rest…',
    );
    expect(dom.host.querySelector('[aria-label="Proxy status"]')?.getAttribute('role')).toBe('status');
    await act(async () => vi.advanceTimersByTimeAsync(PROXY_POLL_MS));
    expect(statusText()).toBe(
      'In effect at 3 of 3 proxies (2 sidecars in namespace bookinfo and 1 gateway).',
    );
    await act(async () => vi.advanceTimersByTimeAsync(PROXY_POLL_MS * 4));
    expect(fake.sent('release.proxies')).toEqual([
      { contextId: 'demo', releaseId: plan.releaseId },
      { contextId: 'demo', releaseId: plan.releaseId },
    ]);
  });

  it('warns with the stale proxies named when they are still stale after the wait', async () => {
    const stale: ProxyConvergenceView = {
      ...reading(2),
      stale: [
        {
          id: 'reviews-v2-abc-x1.bookinfo',
          kind: 'sidecar',
          why: 'route push 2026-12-05T08:00:01Z/9 not acknowledged',
        },
      ],
    };
    await applyWith([ok(stale)]);
    await act(async () => vi.advanceTimersByTimeAsync(PROXY_WAIT_MS + PROXY_POLL_MS));
    const alert = dom.host.querySelector('[role="alert"][aria-label="Stale proxies"]');
    expect(alert?.textContent).toContain('In effect at only 2 of 3 proxies');
    expect(alert?.textContent).toContain(
      'sidecar reviews-v2-abc-x1.bookinfo: route push 2026-12-05T08:00:01Z/9 not acknowledged',
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says why the proxy status is unavailable, and does not ask again', async () => {
    const { fake } = await applyWith([
      ok({ ...base, known: false, retryable: false, reason: 'RBAC hides the proxy status: …' }),
    ]);
    expect(statusText()).toBe('Proxy status unavailable: RBAC hides the proxy status: …');
    await act(async () => vi.advanceTimersByTimeAsync(PROXY_POLL_MS * 3));
    expect(fake.sent('release.proxies')).toHaveLength(1);
  });
});
