import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatchCall } from '../../../main/core/api-dispatch.ts';
import type { ClusterSession } from '../../../main/core/cluster/cluster-session.ts';
import type { ReleaseState } from '../../../main/core/rollout/rollout-state.ts';
import type { Rollouts } from '../../../main/core/rollout/rollouts.ts';
import { createStepPlans, planOf } from '../../../main/core/rollout/step-plans.ts';
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { StepPlanInput } from '../../../shared/api/step-plan-schemas.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { DEFAULT_GATES, defaultStepPlan } from '../../../shared/rollout/step-plan.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

const release = {
  id: 'istio:shop/payment.shop.svc.cluster.local',
  defaultRoute: {
    destinations: [
      { version: 'v1', weight: 90 },
      { version: 'v2', weight: 10 },
    ],
  },
  rules: [{ id: 'http:0', name: 'internal-users', matches: [], version: 'v2' }],
  disabledRules: [],
  mirrors: [],
} as unknown as ServiceRelease;

function state(phase: ReleaseState['phase']): ReleaseState {
  return {
    id: 'shop.payment.v2',
    context: 'demo',
    namespace: 'shop',
    serviceReleaseId: release.id,
    stable: { version: 'v1', deployment: 'payment-v1' },
    canary: { version: 'v2', deployment: 'payment-v2', image: 'x', replicas: 1, labels: {} },
    phase,
    historyIds: [],
    createdAt: '',
    updatedAt: '',
  };
}

function service(phase: ReleaseState['phase'] = 'ready') {
  const prepared: string[] = [];
  const events: Array<EventPayload<'rollout.steps.changed'>> = [];
  const rollouts = {
    async prepare(_c: string, id: string) {
      prepared.push(id);
      return {
        state: state(phase),
        session: { releases: { get: () => release } } as unknown as ClusterSession,
      };
    },
    async change() {
      throw new Error('no changes in this test');
    },
  } as unknown as Rollouts;
  const plans = createStepPlans({
    dataDir: mkdtempSync(join(tmpdir(), 'sy-plans-')),
    emit: <E extends EventName>(e: E, p: EventPayload<E>) => {
      if (e === 'rollout.steps.changed') events.push(p as EventPayload<'rollout.steps.changed'>);
    },
    rollouts,
    ready: async (contextId: string) => {
      if (contextId !== 'demo')
        throw new ApiFailure('unavailable', `context '${contextId}' is not open: open it first`);
      return {} as ClusterSession;
    },
    prometheusFor: async () => ({ none: 'none in this test' }),
    // No tick ever runs: the plan stays as started.
    timers: { now: () => 1_700_000_000_000, after: () => () => {} },
  });
  return { plans, prepared, events };
}

describe('a plan given through the contract', () => {
  it('takes the defaults for what it leaves out', () => {
    expect(planOf(undefined)).toEqual(defaultStepPlan());
    expect(
      planOf({
        steps: [
          { kind: 'weight', weight: 10, gates: { minRequests: 20 } },
          { kind: 'approval' },
          { kind: 'weight', weight: 100 },
        ],
      }).steps,
    ).toEqual([
      { kind: 'weight', weight: 10, holdSeconds: 300, gates: { ...DEFAULT_GATES, minRequests: 20 } },
      { kind: 'approval' },
      { kind: 'weight', weight: 100, holdSeconds: 0, gates: DEFAULT_GATES },
    ]);
  });

  it('takes a mirror step, with a hold and gates by default, as the contract checks it', () => {
    const input = {
      steps: [
        { kind: 'mirror' as const, percent: 12.5, gates: { minRequests: 50 } },
        { kind: 'weight' as const, weight: 100 },
      ],
    };
    expect(StepPlanInput.parse(input)).toEqual(input);
    expect(() => StepPlanInput.parse({ steps: [{ kind: 'mirror', percent: 5, weight: 5 }] })).toThrow();
    expect(planOf(input).steps[0]).toEqual({
      kind: 'mirror',
      percent: 12.5,
      holdSeconds: 300,
      gates: { ...DEFAULT_GATES, minRequests: 50 },
    });
  });

  it('is refused, step by step, before anything of the cluster is touched', async () => {
    const { plans, prepared } = service();
    const start = plans.start({
      contextId: 'demo',
      id: 'shop.payment.v2',
      plan: {
        steps: [
          { kind: 'weight', weight: 50, holdSeconds: 10 },
          { kind: 'weight', weight: 25, holdSeconds: -5, gates: { maxP95Ratio: 0.5 } },
          { kind: 'weight', weight: 90 },
        ],
      },
    });
    await expect(start).rejects.toMatchObject({
      code: 'invalid-request',
      message:
        'the release plan cannot run: step 2: weights must rise from step to step; 25% does not rise above 50%; ' +
        'step 2: the hold must be 0 to 86400 seconds, got -5; ' +
        'step 2: the p95 ratio must be from 1 (no slower than stable) to 100, got 0.5; ' +
        'the last step must send the canary 100% of traffic, but it is 90%',
    });
    expect(prepared).toEqual([]);
  });

  it('starts on a ready rollout with its route recorded, once, and says so', async () => {
    const { plans, events } = service();
    const view = await plans.start({ contextId: 'demo', id: 'shop.payment.v2' });
    expect(view).toMatchObject({
      state: 'running',
      currentStep: 0,
      canary: 'v2',
      stable: 'v1',
      before: {
        split: [
          { version: 'v1', weight: 90 },
          { version: 'v2', weight: 10 },
        ],
        rules: 1,
      },
      watching: true,
    });
    expect(view.steps.map((s) => (s.kind === 'weight' ? s.weight : 0))).toEqual([1, 5, 25, 50, 100]);
    expect(events.map((e) => e.state)).toEqual(['running']);
    await expect(plans.start({ contextId: 'demo', id: 'shop.payment.v2' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'a release plan is already running on shop.payment.v2: abort it before starting another',
    });
    expect((await plans.pause({ contextId: 'demo', id: 'shop.payment.v2' })).state).toBe('paused');
    await expect(plans.approve({ contextId: 'demo', id: 'shop.payment.v2' })).rejects.toMatchObject({
      code: 'invalid-request',
      message: 'step 1 is not waiting for an approval (it is a weight step)',
    });
    await expect(plans.skip({ contextId: 'demo', id: 'shop.payment.v2', toStep: 7 })).rejects.toThrow(
      'there is no step 8: the plan has 5 step(s)',
    );
    expect((await plans.skip({ contextId: 'demo', id: 'shop.payment.v2', toStep: 2 })).currentStep).toBe(2);
    plans.dispose();
  });

  it('is refused when the stable version has no share of the route to compare the canary with', async () => {
    const { plans } = service();
    const dests = (release.defaultRoute as { destinations: Array<{ version: string; weight: number }> })
      .destinations;
    const saved = dests.map((d) => ({ ...d }));
    dests[0]!.weight = 0;
    dests[1]!.weight = 100;
    try {
      await expect(plans.start({ contextId: 'demo', id: 'shop.payment.v2' })).rejects.toThrow(
        'cannot start a release plan on shop.payment.v2: its stable version v1 receives none of the catch-all route (v1 0%, v2 100%), and the gates compare the canary with it; route some traffic to v1 first',
      );
    } finally {
      dests.splice(0, dests.length, ...saved);
    }
  });

  it('is refused on a rollout that is not ready or routing, and on one without a plan', async () => {
    const { plans } = service('promoted');
    await expect(plans.start({ contextId: 'demo', id: 'shop.payment.v2' })).rejects.toThrow(
      'cannot start a release plan on shop.payment.v2: it is promoted; a plan starts from a rollout that is ready or routing',
    );
    await expect(plans.get({ contextId: 'demo', id: 'shop.payment.v2' })).rejects.toMatchObject({
      code: 'not-found',
      message: "no release plan on rollout 'shop.payment.v2' in context 'demo'",
    });
    // A context that is not open is said so before any file is looked for (a made-up context included).
    await expect(plans.pause({ contextId: 'x'.repeat(300), id: 'shop.payment.v2' })).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});

describe('the rollout.steps calls at the contract', () => {
  const handlers = fakeHandlers({
    'rollout.steps.start': async () => {
      throw new Error('the handler must not be reached');
    },
  });
  it.each([
    [{ contextId: 'demo', id: '../x' }, 'id: not a release id'],
    [{ contextId: 'demo', id: 'a.b.c', plan: { steps: [{ kind: 'mirror', weight: 5 }] } }, 'plan.steps.0'],
    [
      { contextId: 'demo', id: 'a.b.c', plan: { steps: [{ kind: 'weight', weight: '5' }] } },
      'plan.steps.0.weight',
    ],
    [{ contextId: 'demo', id: 'a.b.c', plan: { steps: [{ kind: 'weight', weight: 5, hold: 3 }] } }, 'hold'],
    [
      {
        contextId: 'demo',
        id: 'a.b.c',
        plan: { steps: [{ kind: 'weight', weight: 5, gates: { minRequets: 3 } }] },
      },
      'minRequets',
    ],
  ])('refuses %j, naming the field', async (payload, field) => {
    const result = await dispatchCall(handlers, 'rollout.steps.start', payload);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-request');
      expect(result.error.message).toContain(field);
    }
  });
});
