import { describe, expect, it } from 'vitest';
import { planNotice } from '../../../shared/rollout/step-notice.ts';

const base = { canary: 'v3', releaseId: 'istio:bookinfo/reviews.bookinfo.svc.cluster.local' };
const failed = {
  ...base,
  outcome: {
    kind: 'failed' as const,
    at: '2026-12-05T08:00:00.000Z',
    reason: 'a gate failed at step 1',
    restored: true,
    failed: [
      {
        status: 'fail' as const,
        text: 'success rate 91.2% vs stable 99.8%: 8.6 points lower, more than the 1 allowed',
      },
      { status: 'pass' as const, text: 'p95 12 ms vs stable 11 ms' },
    ],
  },
};

describe('the notice at the end of a release plan', () => {
  it('names the failed gate with its figures and says the route is back', () => {
    expect(planNotice(base, failed)).toEqual({
      tone: 'error',
      title: 'reviews: a gate stopped v3',
      body: 'success rate 91.2% vs stable 99.8%: 8.6 points lower, more than the 1 allowed. The route is back as it was before the plan.',
    });
  });

  it('warns when the route could not be restored', () => {
    const notice = planNotice(undefined, { ...failed, outcome: { ...failed.outcome, restored: false } });
    expect(notice?.body).toMatch(/could not be restored: check it now\.$/);
  });

  it('says completion and an abort, and says each outcome once', () => {
    const done = {
      ...base,
      outcome: { kind: 'completed' as const, at: 't1', reason: 'v3 passed every step.' },
    };
    expect(planNotice(base, done)).toEqual({
      tone: 'ok',
      title: 'reviews: v3 takes all traffic',
      body: 'v3 passed every step.',
    });
    expect(planNotice(done, done)).toBeUndefined();
    expect(planNotice(undefined, base)).toBeUndefined();
    const aborted = {
      ...base,
      outcome: { kind: 'aborted' as const, at: 't2', reason: 'Aborted by the operator.', restored: true },
    };
    expect(planNotice(done, aborted)?.title).toBe('reviews: release plan of v3 aborted');
  });
});
