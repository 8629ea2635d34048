import { describe, expect, it } from 'vitest';
import type { EventSink } from '../../../main/core/api-dispatch.ts';
import { notifyPlanOutcomes } from '../../../main/electron/plan-notifications.ts';

const plan = (outcome?: object) =>
  ({
    contextId: 'prod',
    id: 'shop.payment.v2',
    releaseId: 'istio:shop/payment.shop.svc.cluster.local',
    canary: 'v2',
    ...(outcome ? { outcome } : {}),
  }) as never;

describe('desktop notifications of release plans', () => {
  it('shows one notification per outcome, naming the failed gate, and none for progress or other events', () => {
    let sink: EventSink | undefined;
    const shown: string[] = [];
    const subscribe = (s: EventSink) => {
      sink = s;
      return () => {};
    };
    const stop = notifyPlanOutcomes({ subscribe }, (title, body) => shown.push(`${title} | ${body}`));
    const failed = {
      kind: 'failed',
      at: 't1',
      reason: 'gate failed',
      restored: true,
      failed: [{ status: 'fail', text: 'p95 80 ms vs stable 20 ms: 4.0×, more than the 1.5× allowed' }],
    };
    sink?.('rollout.steps.changed', plan());
    sink?.('metrics.update', {} as never);
    sink?.('rollout.steps.changed', plan(failed));
    sink?.('rollout.steps.changed', plan(failed));
    expect(shown).toEqual([
      'payment: a gate stopped v2 | p95 80 ms vs stable 20 ms: 4.0×, more than the 1.5× allowed. The route is back as it was before the plan.',
    ]);
    expect(typeof stop).toBe('function');
  });
});
