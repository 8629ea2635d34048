import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StepDecision, StepProgress } from '../../../shared/rollout/step-decision.ts';
import { decideNext, stepSplit } from '../../../shared/rollout/step-decision.ts';
import type { GateFigures } from '../../../shared/rollout/step-gates.ts';
import { evaluateGates } from '../../../shared/rollout/step-gates.ts';
import type { StepPlan } from '../../../shared/rollout/step-plan.ts';
import {
  DEFAULT_GATES,
  defaultStepPlan,
  planProblems,
  weightsOf,
} from '../../../shared/rollout/step-plan.ts';
import {
  aborting,
  advanced,
  applied,
  approved,
  paused,
  restarted,
  resumed,
  skippedTo,
  startProgress,
} from '../../../shared/rollout/step-progress.ts';

/** A version's window: `requests` with `failures`, latency all under `p95` ms (one bucket). */
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

const figures = (
  c: ReturnType<typeof stats>,
  s: ReturnType<typeof stats>,
  windowSeconds = 60,
): GateFigures => ({
  canary: c,
  stable: s,
  windowSeconds,
});

const healthy = figures(stats('v2', 500, 0, 80), stats('v1', 5000, 5, 80));

describe('the default plan', () => {
  it('is 1% → 5% → 25% → 50% → 100% with the default gates, and runs', () => {
    const plan = defaultStepPlan();
    expect(weightsOf(plan)).toEqual([1, 5, 25, 50, 100]);
    expect(
      plan.steps.every((s) => s.kind === 'weight' && s.gates.minRequests === DEFAULT_GATES.minRequests),
    ).toBe(true);
    expect(plan.steps.at(-1)).toMatchObject({ weight: 100, holdSeconds: 0 });
    expect(planProblems(plan)).toEqual([]);
  });
});

describe('a plan is refused with the step and field at fault', () => {
  const w = (weight: number, holdSeconds = 10, gates = DEFAULT_GATES) => ({
    kind: 'weight' as const,
    weight,
    holdSeconds,
    gates: { ...gates },
  });
  it('when weights do not rise, leave 1..100, or the last step is not 100%', () => {
    const msgs = (steps: StepPlan['steps']) => planProblems({ steps }).map((p) => p.message);
    expect(msgs([w(5), w(5), w(100, 0)])).toEqual([
      'step 2: weights must rise from step to step; 5% does not rise above 5%',
    ]);
    expect(msgs([w(0), w(100, 0)])[0]).toMatch(
      /step 1: the weight must be a whole percent from 1 to 100, got 0/,
    );
    expect(msgs([w(2.5), w(100, 0)])[0]).toMatch(/got 2.5/);
    expect(msgs([w(5), w(50)])).toEqual([
      'the last step must send the canary 100% of traffic, but it is 50%',
    ]);
    expect(msgs([])).toEqual(['a plan needs at least one step, the last one at 100%']);
    expect(msgs([w(5), { kind: 'approval' }])).toContain(
      'the last step must send the canary 100% of traffic, but it is an approval',
    );
  });
  it('when a hold is negative or the last step (100%) holds', () => {
    expect(planProblems({ steps: [w(5, -1), w(100, 0)] })).toEqual([
      { step: 0, field: 'holdSeconds', message: 'step 1: the hold must be 0 to 86400 seconds, got -1' },
    ]);
    expect(planProblems({ steps: [w(5), w(100, 30)] })[0]?.message).toMatch(
      /at 100% no request reaches the stable version.*set its hold to 0/,
    );
  });
  it('when thresholds are not sane', () => {
    const bad = { maxSuccessRateDropPoints: -1, maxP95Ratio: 0.5, minRequests: 0 };
    expect(planProblems({ steps: [w(5, 10, bad), w(100, 0)] }).map((p) => p.field)).toEqual([
      'gates.maxSuccessRateDropPoints',
      'gates.maxP95Ratio',
      'gates.minRequests',
    ]);
  });
  it('accepts every rising list of whole weights that ends at 100, approvals anywhere before it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 10 }),
        fc.array(fc.nat({ max: 10 }), { maxLength: 3 }),
        (ws, approvals) => {
          const steps: StepPlan['steps'] = [...ws.sort((a, b) => a - b).map((x) => w(x)), w(100, 0)];
          for (const at of approvals) steps.splice(Math.min(at, steps.length - 1), 0, { kind: 'approval' });
          expect(planProblems({ steps })).toEqual([]);
        },
      ),
    );
  });
});

describe('the gates', () => {
  it('pass a canary as healthy as stable, with the figures', () => {
    const gates = evaluateGates(healthy, DEFAULT_GATES);
    expect(gates.map((g) => [g.gate, g.status])).toEqual([
      ['requests', 'pass'],
      ['success-rate', 'pass'],
      ['p95-latency', 'pass'],
    ]);
    expect(gates[0]).toMatchObject({ canary: 500, stable: 5000, limit: 100 });
  });
  it('say which gate failed and by how much', () => {
    const worse = figures(stats('v3', 1000, 88, 180), stats('v1', 5000, 10, 40));
    const gates = evaluateGates(worse, { ...DEFAULT_GATES, maxSuccessRateDropPoints: 2 });
    expect(gates[1]).toMatchObject({
      status: 'fail',
      text: 'success rate 91.2% vs stable 99.8%: 8.6 points lower, more than the 2 allowed',
    });
    expect(gates[2]).toMatchObject({ status: 'fail', canary: 175.5, stable: 39 });
    expect(gates[2]?.text).toBe('p95 176 ms vs stable 39 ms: 4.50× stable, above the 1.5× allowed');
  });
  it('judge nothing on too few requests, on either side', () => {
    const few = figures(stats('v3', 99, 99, 900), stats('v1', 5000, 0, 40));
    expect(evaluateGates(few, DEFAULT_GATES).map((g) => g.status)).toEqual(['no-data', 'no-data', 'no-data']);
    const fewStable = figures(stats('v3', 500, 0, 40), stats('v1', 10, 0, 40));
    expect(evaluateGates(fewStable, DEFAULT_GATES)[0]?.text).toMatch(/at least 100 each are needed/);
  });
});

const plan5: StepPlan = defaultStepPlan({ holdSeconds: 60 });
const T0 = 1_700_000_000_000;

describe('the decision', () => {
  it('applies a step, holds, asks for figures, then advances on passing gates', () => {
    let p = startProgress();
    expect(decideNext(plan5, p, T0)).toEqual({ kind: 'apply', step: 0, weight: 1 });
    p = applied(p, 0, T0);
    expect(decideNext(plan5, p, T0 + 10_000)).toMatchObject({
      kind: 'hold',
      remainingMs: 50_000,
      endsAt: T0 + 60_000,
    });
    expect(decideNext(plan5, p, T0 + 61_000, undefined, { minWindowSeconds: 30 })).toEqual({
      kind: 'measure',
      step: 0,
      windowSeconds: 61,
    });
    expect(decideNext(plan5, p, T0 + 61_000, healthy)).toMatchObject({ kind: 'advance', to: 1 });
  });
  it('waits for data, stops on a failing gate, completes once the last step (100%) is applied', () => {
    const p = applied(startProgress(), 0, T0);
    const few = figures(stats('v2', 3, 0, 80), stats('v1', 5000, 5, 80));
    expect(decideNext(plan5, p, T0 + 61_000, few)).toMatchObject({ kind: 'wait-for-data' });
    const bad = figures(stats('v3', 1000, 100, 80), stats('v1', 5000, 5, 80));
    const d = decideNext(plan5, p, T0 + 61_000, bad);
    expect(d).toMatchObject({ kind: 'fail', step: 0 });
    expect(d.kind === 'fail' && d.reason).toMatch(
      /^step 1 of 5 \(1%\) stopped by its gate: success rate 90.0% vs stable 99.9%/,
    );
    const last = applied(advanced(p, 4), 4, T0);
    expect(decideNext(plan5, last, T0)).toEqual({ kind: 'complete', step: 4 });
  });
  it('waits for an approval, and goes on once given', () => {
    const plan: StepPlan = { steps: [{ kind: 'approval', note: 'check the dashboards' }, ...plan5.steps] };
    const p = startProgress();
    expect(decideNext(plan, p, T0)).toEqual({ kind: 'wait-for-approval', step: 0 });
    expect(decideNext(plan, approved(plan, p), T0)).toEqual({ kind: 'advance', step: 0, to: 1 });
    expect(() => approved(plan5, p)).toThrow(/step 1 is not waiting for an approval/);
  });
  it('does nothing while paused; a resume, restart or sleep begins the hold again', () => {
    const p = applied(startProgress(), 0, T0);
    expect(decideNext(plan5, paused(p), T0 + 120_000)).toMatchObject({ kind: 'idle' });
    const back = resumed(paused(p), T0 + 120_000);
    expect(back.holdStartedAt).toBe(T0 + 120_000);
    expect(decideNext(plan5, back, T0 + 120_000)).toMatchObject({ kind: 'hold', remainingMs: 60_000 });
    expect(restarted(p, T0 + 5000).holdStartedAt).toBe(T0 + 5000);
    expect(() => resumed(p, T0)).toThrow('cannot resume the plan: it is running');
  });
  it('skips only ahead, and an abort rolls back', () => {
    const p = applied(startProgress(), 0, T0);
    const s = skippedTo(plan5, p, 3);
    expect(decideNext(plan5, s, T0)).toEqual({ kind: 'apply', step: 3, weight: 50 });
    expect(() => skippedTo(plan5, s, 1)).toThrow(/can only skip ahead/);
    expect(() => skippedTo(plan5, s, 9)).toThrow('there is no step 10: the plan has 5 step(s)');
    expect(decideNext(plan5, aborting(s), T0)).toEqual({ kind: 'restore' });
  });
});

describe('the split at a step', () => {
  it('gives the canary its share and the rest to the others in their old proportions', () => {
    const before = [
      { version: 'v1', weight: 80 },
      { version: 'v2', weight: 10 },
      { version: 'v3', weight: 10 },
    ];
    expect(stepSplit(before, 'v3', 'v1', 1)).toEqual([
      { version: 'v1', weight: 88 },
      { version: 'v2', weight: 11 },
      { version: 'v3', weight: 1 },
    ]);
    expect(stepSplit([{ version: 'v1', weight: 100 }], 'v4', 'v1', 25)).toEqual([
      { version: 'v1', weight: 75 },
      { version: 'v4', weight: 25 },
    ]);
    expect(stepSplit([{ version: 'v4', weight: 100 }], 'v4', 'v1', 5)).toEqual([
      { version: 'v1', weight: 95 },
      { version: 'v4', weight: 5 },
    ]);
  });
  it('always sums to 100 with the canary at its share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 100 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 100 }),
        (ws, w) => {
          const before = ws.map((weight, i) => ({ version: `v${i}`, weight }));
          const split = stepSplit(before, 'canary', 'v0', w);
          expect(split.reduce((a, s) => a + s.weight, 0)).toBe(100);
          expect(split.find((s) => s.version === 'canary')?.weight).toBe(w);
        },
      ),
    );
  });
});

// A plan driven to its end by the decision alone, with the figures a generator gives at each look.
const versionFigures = fc.record({
  canaryRequests: fc.nat({ max: 400 }),
  canaryFailures: fc.nat({ max: 40 }),
  canaryP95: fc.integer({ min: 1, max: 300 }),
  stableRequests: fc.nat({ max: 4000 }),
  stableFailures: fc.nat({ max: 20 }),
  stableP95: fc.integer({ min: 1, max: 300 }),
});
type Figs = typeof versionFigures extends fc.Arbitrary<infer T> ? T : never;
const toFigures = (f: Figs): GateFigures =>
  figures(
    stats('c', f.canaryRequests, Math.min(f.canaryFailures, f.canaryRequests), f.canaryP95),
    stats('s', f.stableRequests, Math.min(f.stableFailures, f.stableRequests), f.stableP95),
  );
const planArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 6 })
  .map((ws): StepPlan => defaultStepPlan({ weights: [...ws.sort((a, b) => a - b), 100], holdSeconds: 5 }));

function drive(plan: StepPlan, looks: Figs[]) {
  let p: StepProgress = startProgress();
  let now = T0;
  const appliedWeights: number[] = [];
  const decisions: Array<{ d: StepDecision; f?: GateFigures }> = [];
  for (let i = 0; i < 200; i++) {
    let d = decideNext(plan, p, now);
    let f: GateFigures | undefined;
    if (d.kind === 'measure') {
      const look = looks[i % Math.max(1, looks.length)];
      if (!look) break;
      f = toFigures(look);
      d = decideNext(plan, p, now, f);
    }
    decisions.push({ d, ...(f ? { f } : {}) });
    if (d.kind === 'apply') {
      appliedWeights.push(d.weight);
      p = applied(p, d.step, now);
    } else if (d.kind === 'advance') p = advanced(p, d.to);
    else if (d.kind === 'hold') now = d.endsAt;
    else if (d.kind === 'fail') p = { ...p, state: 'failed' };
    else if (d.kind === 'complete') p = { ...p, state: 'completed' };
    else if (d.kind === 'wait-for-data') now += 1000;
    else break;
  }
  return { p, appliedWeights, decisions };
}

describe('properties of a plan driven by its decisions', () => {
  it('never advances past a weight step without enough requests on both sides', () => {
    fc.assert(
      fc.property(planArb, fc.array(versionFigures, { minLength: 1, maxLength: 20 }), (plan, looks) => {
        for (const { d, f } of drive(plan, looks).decisions) {
          if (d.kind !== 'advance' || !f) continue;
          const step = plan.steps[d.step];
          const min = step?.kind === 'weight' ? step.gates.minRequests : 0;
          expect(f.canary.requests).toBeGreaterThanOrEqual(min);
          expect(f.stable.requests).toBeGreaterThanOrEqual(min);
        }
      }),
    );
  });

  it('never lets a failing gate through: figures with a failing gate on enough data always stop the plan', () => {
    fc.assert(
      fc.property(planArb, fc.array(versionFigures, { minLength: 1, maxLength: 20 }), (plan, looks) => {
        for (const { d, f } of drive(plan, looks).decisions) {
          if (!f) continue;
          const step = plan.steps[(d as { step: number }).step];
          if (step?.kind !== 'weight') continue;
          const failing = evaluateGates(f, step.gates).some((g) => g.status === 'fail');
          expect(d.kind === 'fail').toBe(failing);
        }
      }),
    );
  });

  it('only ever raises the weight, and applies nothing after a failure', () => {
    fc.assert(
      fc.property(planArb, fc.array(versionFigures, { minLength: 1, maxLength: 20 }), (plan, looks) => {
        const { p, appliedWeights, decisions } = drive(plan, looks);
        for (let k = 1; k < appliedWeights.length; k++)
          expect(appliedWeights[k]).toBeGreaterThan(appliedWeights[k - 1]!);
        const failedAt = decisions.findIndex(({ d }) => d.kind === 'fail');
        if (failedAt >= 0) {
          expect(p.state).toBe('failed');
          expect(decisions.slice(failedAt + 1).every(({ d }) => d.kind === 'idle')).toBe(true);
        }
        if (p.state === 'completed') expect(appliedWeights).toEqual(weightsOf(plan));
      }),
    );
  });
});
