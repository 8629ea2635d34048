import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StepDecision, StepProgress } from '../../../shared/rollout/step-decision.ts';
import { decideNext } from '../../../shared/rollout/step-decision.ts';
import type { GateFigures } from '../../../shared/rollout/step-gates.ts';
import { evaluateGates } from '../../../shared/rollout/step-gates.ts';
import type { MirrorStep, StepPlan } from '../../../shared/rollout/step-plan.ts';
import {
  DEFAULT_GATES,
  defaultStepPlan,
  planProblems,
  stepLabel,
} from '../../../shared/rollout/step-plan.ts';
import {
  advanced,
  applied,
  approved,
  mirrorEnded,
  mirrored,
  skippedTo,
  startProgress,
} from '../../../shared/rollout/step-progress.ts';

// A mirror step (issue 16): copies of a share of the catch-all route to the canary, held and judged
// on the canary's own sidecar's figures, its mirror on only while the plan is at that step.

const T0 = 1_000_000;

function stats(version: string, requests: number, failures: number, p95: number) {
  return {
    version,
    requests,
    failures,
    buckets: [
      { le: p95 / 2, count: 0 },
      { le: p95, count: requests },
      { le: Number.POSITIVE_INFINITY, count: requests },
    ],
  };
}

const mirror = (percent: number, holdSeconds = 60): MirrorStep => ({
  kind: 'mirror',
  percent,
  holdSeconds,
  gates: { ...DEFAULT_GATES },
});

/** A shadow test first, then the default weights. */
const shadowPlan = (percent = 20): StepPlan => ({
  steps: [mirror(percent), ...defaultStepPlan({ weights: [5, 50, 100], holdSeconds: 60 }).steps],
});

const mirroredFigures = (canaryRequests: number, canaryP95: number, canaryWeight = 0): GateFigures => ({
  canary: stats('v4', canaryRequests, 0, canaryP95),
  stable: stats('v1', 5000, 5, 80),
  windowSeconds: 60,
  mirror: { canaryWeight },
});

describe('a mirror step is validated', () => {
  it('takes a share above 0, at most 100, with one decimal', () => {
    for (const ok of [0.1, 12.5, 50, 100]) expect(planProblems(shadowPlan(ok))).toEqual([]);
    for (const bad of [0, -5, 100.1, 12.25, Number.NaN]) {
      const problems = planProblems(shadowPlan(bad));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ step: 0, field: 'percent' });
      expect(problems[0]?.message).toMatch(/mirrored share must be above 0 and at most 100/);
    }
  });

  it('holds and gates like a weight step, and cannot be the last step', () => {
    const plan: StepPlan = { steps: [{ ...mirror(10, -1), gates: { ...DEFAULT_GATES, minRequests: 0 } }] };
    const fields = planProblems(plan).map((p) => p.field ?? 'plan');
    expect(fields).toEqual(['holdSeconds', 'gates.minRequests', 'plan']);
    expect(planProblems(plan).at(-1)?.message).toMatch(/last step must send the canary 100%.*a mirror step/);
  });

  it('needs the stable version to have traffic: never after a step at 100%', () => {
    const plan: StepPlan = { steps: [...defaultStepPlan({ weights: [100] }).steps, mirror(10)] };
    expect(planProblems(plan).map((p) => p.message)).toContain(
      'step 2: after a step at 100% the stable version has no traffic left to mirror or to compare with',
    );
  });

  it('is named by its share', () => {
    expect(stepLabel(shadowPlan(), 0)).toBe('step 1 of 4 (mirror 20%)');
  });
});

describe('a mirror step decides', () => {
  it('sets the mirror, holds, reads the gates, advances, then removes the mirror before the next weight', () => {
    const plan = shadowPlan();
    let p: StepProgress = startProgress();
    expect(decideNext(plan, p, T0)).toEqual({ kind: 'mirror', step: 0, percent: 20 });
    p = mirrored(p, 0, T0);
    expect(p).toMatchObject({ appliedStep: 0, mirrorOn: 0, holdStartedAt: T0 });
    expect(decideNext(plan, p, T0 + 1000)).toMatchObject({ kind: 'hold', step: 0, remainingMs: 59_000 });
    expect(decideNext(plan, p, T0 + 60_000)).toMatchObject({ kind: 'measure', step: 0 });
    const d = decideNext(plan, p, T0 + 60_000, mirroredFigures(500, 80));
    expect(d).toMatchObject({ kind: 'advance', step: 0, to: 1 });
    p = advanced(p, 1);
    expect(decideNext(plan, p, T0 + 60_000)).toEqual({ kind: 'end-mirror', step: 0 });
    p = mirrorEnded(p);
    expect(decideNext(plan, p, T0 + 60_000)).toEqual({ kind: 'apply', step: 1, weight: 5 });
  });

  it('stops on a failing gate over the mirrored requests, saying they are mirrored copies', () => {
    const plan = shadowPlan();
    const p = mirrored(startProgress(), 0, T0);
    const d = decideNext(plan, p, T0 + 60_000, mirroredFigures(500, 400));
    expect(d.kind).toBe('fail');
    expect((d as Extract<StepDecision, { kind: 'fail' }>).reason).toMatch(
      /^step 1 of 4 \(mirror 20%\) stopped by its gate: mirrored p95 390 ms vs stable 78 ms/,
    );
    // A restore comes before anything else, the mirror's removal included (the restore removes it).
    expect(decideNext(plan, { ...p, state: 'rolling-back' }, T0)).toEqual({ kind: 'restore' });
  });

  it('waits for data while too few copies reached the canary', () => {
    const p = mirrored(startProgress(), 0, T0);
    const d = decideNext(shadowPlan(), p, T0 + 60_000, mirroredFigures(12, 80));
    expect(d).toMatchObject({ kind: 'wait-for-data', step: 0 });
  });

  it('removes the mirror first when its step is skipped', () => {
    const plan = shadowPlan();
    const p = skippedTo(plan, mirrored(startProgress(), 0, T0), 2);
    expect(decideNext(plan, p, T0)).toEqual({ kind: 'end-mirror', step: 0 });
    expect(decideNext(plan, mirrorEnded(p), T0)).toEqual({ kind: 'apply', step: 2, weight: 50 });
  });

  it('is not an approval step', () => {
    expect(() => approved(shadowPlan(), startProgress())).toThrow(/it is a mirror step/);
  });
});

describe('the gates of a mirror step', () => {
  it('say the canary figures are its sidecar\'s (reporter="destination"), at 0% exactly the mirrored copies', () => {
    const [requests, success, p95] = evaluateGates(mirroredFigures(500, 80), DEFAULT_GATES);
    expect(requests?.text).toBe(
      '500 mirrored request(s) to v4 (reporter="destination": at 0% weight, exactly the copies mirrored to it) and 5000 to v1 in 60 s',
    );
    expect(success?.text).toMatch(/^mirrored success rate 100\.0% vs stable 99\.9/);
    expect(p95?.text).toMatch(/^mirrored p95 /);
  });

  it('say so when the canary also has a share of its own', () => {
    const [requests] = evaluateGates(mirroredFigures(500, 80, 5), DEFAULT_GATES);
    expect(requests?.text).toContain('the copies mirrored to it plus its own 5% share');
  });
});

// Plans with a mirror step at any place before the last, driven by the decision alone.
const mirrorPlanArb = fc
  .record({
    weights: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 4 }),
    at: fc.nat({ max: 4 }),
    percent: fc.integer({ min: 1, max: 1000 }).map((n) => n / 10),
  })
  .map(({ weights, at, percent }): StepPlan => {
    const steps = defaultStepPlan({ weights: [...weights.sort((a, b) => a - b), 100], holdSeconds: 5 }).steps;
    steps.splice(Math.min(at, steps.length - 1), 0, mirror(percent, 5));
    return { steps };
  });

describe('properties of a plan with a mirror step', () => {
  it('is valid wherever the mirror step stands before the last step', () => {
    fc.assert(
      fc.property(mirrorPlanArb, (plan) => {
        expect(planProblems(plan)).toEqual([]);
      }),
    );
  });

  it('has its mirror on only while at its step: no weight is applied and no plan completes with it on', () => {
    fc.assert(
      fc.property(
        mirrorPlanArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        fc.option(fc.nat({ max: 5 }), { nil: undefined }),
        (plan, passes, skipAt) => {
          let p = startProgress();
          let now = T0;
          for (let i = 0; i < 100; i++) {
            if (i === skipAt && p.state === 'running' && p.current + 1 < plan.steps.length)
              p = skippedTo(plan, p, p.current + 1);
            let d = decideNext(plan, p, now);
            if (d.kind === 'measure')
              d = decideNext(plan, p, now, mirroredFigures(500, passes[i % passes.length] ? 80 : 400));
            if (d.kind === 'apply' || d.kind === 'complete') expect(p.mirrorOn).toBeUndefined();
            if (d.kind === 'hold' || d.kind === 'measure') {
              const here = plan.steps[p.current]?.kind;
              expect(p.mirrorOn === p.current).toBe(here === 'mirror');
            }
            if (d.kind === 'mirror') p = mirrored(p, d.step, now);
            else if (d.kind === 'end-mirror') p = mirrorEnded(p);
            else if (d.kind === 'apply') p = applied(p, d.step, now);
            else if (d.kind === 'advance') p = advanced(p, d.to);
            else if (d.kind === 'hold') now = d.endsAt;
            else if (d.kind === 'fail') p = mirrorEnded({ ...p, state: 'failed' });
            else if (d.kind === 'complete') p = { ...p, state: 'completed' };
            else break;
          }
          expect(['completed', 'failed']).toContain(p.state);
        },
      ),
    );
  });
});
