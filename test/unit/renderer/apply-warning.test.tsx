// @vitest-environment happy-dom
// An apply that reached the cluster but could not record its history says so: the review dialog
// shows the warning as an alert next to "Applied", and the toast carries it.

import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { ReviewDialog } from '../../../renderer/src/features/apply/review-dialog.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok, plan } from './drafts-fixtures.ts';

const dom = freshDomHost();
const WARNING = 'applied; could not record history: ENOSPC: no space left on device, write';

describe('the review dialog after an apply with a warning', () => {
  it('shows the warning as an alert and in the toast', async () => {
    const fake = fakeApi({
      'release.plan': () => ok(plan),
      'release.apply': () =>
        ok({
          planId: plan.planId,
          ok: true,
          historyId: 'h1',
          warning: WARNING,
          steps: [{ id: 's1', state: 'done' }],
        }),
    });
    const store = createApplyStore(fake.api, () => {});
    await act(async () => {
      dom.root.render(<ReviewDialog store={store} />);
      await store.getState().plan('demo', 'istio:bookinfo/reviews', { split: [], rules: [] }, 'Move traffic');
    });
    await act(async () => {
      buttonIn(dom.host, 'Apply').click();
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(store.getState().review?.status).toBe('applied');
    const alert = dom.host.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe(WARNING);
    const statuses = [...dom.host.querySelectorAll('[role="status"]')].map((e) => e.textContent ?? '');
    expect(statuses.some((t) => t.startsWith('Applied and confirmed by the cluster'))).toBe(true);
    expect(store.getState().toast?.message).toContain(WARNING);
  });
});
