// A release plan: the steps that take a canary from its first share of traffic to all of it. A
// weight step sends the canary its share, holds it there, and lets it go on only when its gates,
// read over the hold, say it serves as well as the stable version; an approval step waits for the
// operator; a mirror step copies a share of the stable version's traffic to the canary (a shadow
// test: clients only see the split's answers) and judges the canary on those copies. Pure: the
// model, its defaults, and why a plan is refused, field by field.

/** What a weight step's gates ask of the canary against the stable version, over its hold. */
export interface GateThresholds {
  /** The canary's success rate may be at most this many percentage points below stable's. */
  maxSuccessRateDropPoints: number;
  /** The canary's p95 latency may be at most this many times stable's. */
  maxP95Ratio: number;
  /** Neither version is judged on fewer requests than this over the hold (canary and stable each). */
  minRequests: number;
}

export const DEFAULT_GATES: GateThresholds = {
  maxSuccessRateDropPoints: 1,
  maxP95Ratio: 1.5,
  minRequests: 100,
};

export interface WeightStep {
  kind: 'weight';
  /** The canary's share of the catch-all route, in whole percent. */
  weight: number;
  /** How long the canary serves at this share before its gates decide (0: decide at once). */
  holdSeconds: number;
  gates: GateThresholds;
}

export interface ApprovalStep {
  kind: 'approval';
  /** What the operator is asked to check, shown beside the approve button. */
  note?: string;
}

/**
 * Copies of `percent`% of the catch-all route's requests go to the canary while the step holds; the
 * canary's split weight stays as it is (usually 0%, before the first weight step). Its gates judge
 * the canary's requests as its own sidecar reports them (reporter="destination"), which at 0% weight
 * are exactly the mirrored copies. The mirror is removed once the plan leaves the step (the next
 * step, a skip) and by a restore; it is never kept into a weight step, whose gates it would blur.
 */
export interface MirrorStep {
  kind: 'mirror';
  /** The share of the catch-all route's requests copied to the canary: above 0, at most 100, one decimal. */
  percent: number;
  holdSeconds: number;
  gates: GateThresholds;
}

export type PlanStep = WeightStep | ApprovalStep | MirrorStep;

export interface StepPlan {
  steps: PlanStep[];
}

export const DEFAULT_WEIGHTS: readonly number[] = [1, 5, 25, 50, 100];
export const DEFAULT_HOLD_SECONDS = 300;

/** Bounds that keep a plan sane: a hold of a day at most, ratios and drops that can mean something. */
export const PLAN_LIMITS = {
  maxSteps: 50,
  maxHoldSeconds: 86_400,
  maxSuccessRateDropPoints: 100,
  minP95Ratio: 1,
  maxP95Ratio: 100,
  maxMinRequests: 10_000_000,
  maxNoteLength: 500,
} as const;

/**
 * The default plan: 1% → 5% → 25% → 50% → 100%, each share held `holdSeconds` and gated; the
 * last step (all traffic) has nothing left to compare with and completes the plan once applied.
 */
export function defaultStepPlan(
  opts: { weights?: readonly number[]; holdSeconds?: number; gates?: Partial<GateThresholds> } = {},
): StepPlan {
  const weights = opts.weights ?? DEFAULT_WEIGHTS;
  const gates = { ...DEFAULT_GATES, ...opts.gates };
  return {
    steps: weights.map((weight) => ({
      kind: 'weight' as const,
      weight,
      holdSeconds: weight === 100 ? 0 : (opts.holdSeconds ?? DEFAULT_HOLD_SECONDS),
      gates: { ...gates },
    })),
  };
}

/** One reason a plan is refused: the step (0-based, absent for the whole plan), the field, the words. */
export interface PlanProblem {
  step?: number;
  field?: string;
  message: string;
}

const isWhole = (n: number) => Number.isInteger(n);

function gateProblems(g: GateThresholds, step: number): PlanProblem[] {
  const out: PlanProblem[] = [];
  const at = (field: string, message: string) =>
    out.push({ step, field: `gates.${field}`, message: `step ${step + 1}: ${message}` });
  const drop = g.maxSuccessRateDropPoints;
  if (!Number.isFinite(drop) || drop < 0 || drop > PLAN_LIMITS.maxSuccessRateDropPoints)
    at('maxSuccessRateDropPoints', `the success-rate drop must be 0 to 100 points, got ${drop}`);
  const ratio = g.maxP95Ratio;
  if (!Number.isFinite(ratio) || ratio < PLAN_LIMITS.minP95Ratio || ratio > PLAN_LIMITS.maxP95Ratio)
    at('maxP95Ratio', `the p95 ratio must be from 1 (no slower than stable) to 100, got ${ratio}`);
  const min = g.minRequests;
  if (!isWhole(min) || min < 1 || min > PLAN_LIMITS.maxMinRequests)
    at(
      'minRequests',
      `the least number of requests must be a whole number from 1 to ${PLAN_LIMITS.maxMinRequests}, got ${min}: a gate without data decides nothing`,
    );
  return out;
}

const oneDecimal = (p: number) => Math.abs(p * 10 - Math.round(p * 10)) < 1e-9;

function holdProblem(holdSeconds: number, i: number): PlanProblem[] {
  if (Number.isFinite(holdSeconds) && holdSeconds >= 0 && holdSeconds <= PLAN_LIMITS.maxHoldSeconds)
    return [];
  return [
    {
      step: i,
      field: 'holdSeconds',
      message: `step ${i + 1}: the hold must be 0 to ${PLAN_LIMITS.maxHoldSeconds} seconds, got ${holdSeconds}`,
    },
  ];
}

/** A mirror step's problems; `previous` is the canary's share of the weight steps before it. */
export function mirrorProblems(s: MirrorStep, i: number, previous: number | undefined): PlanProblem[] {
  const out: PlanProblem[] = [];
  const label = `step ${i + 1}`;
  if (!Number.isFinite(s.percent) || s.percent <= 0 || s.percent > 100 || !oneDecimal(s.percent))
    out.push({
      step: i,
      field: 'percent',
      message: `${label}: the mirrored share must be above 0 and at most 100 percent, with at most one decimal, got ${s.percent}`,
    });
  if (previous !== undefined && previous >= 100)
    out.push({
      step: i,
      field: 'percent',
      message: `${label}: after a step at 100% the stable version has no traffic left to mirror or to compare with`,
    });
  out.push(...holdProblem(s.holdSeconds, i), ...gateProblems(s.gates, i));
  return out;
}

function weightProblems(
  s: WeightStep,
  i: number,
  previous: number | undefined,
  last: boolean,
): PlanProblem[] {
  const out: PlanProblem[] = [];
  const label = `step ${i + 1}`;
  if (!isWhole(s.weight) || s.weight < 1 || s.weight > 100)
    out.push({
      step: i,
      field: 'weight',
      message: `${label}: the weight must be a whole percent from 1 to 100, got ${s.weight}`,
    });
  else if (previous !== undefined && s.weight <= previous)
    out.push({
      step: i,
      field: 'weight',
      message: `${label}: weights must rise from step to step; ${s.weight}% does not rise above ${previous}%`,
    });
  const hold = holdProblem(s.holdSeconds, i);
  if (hold.length > 0) out.push(...hold);
  else if (last && s.weight === 100 && s.holdSeconds > 0)
    out.push({
      step: i,
      field: 'holdSeconds',
      message: `${label}: at 100% no request reaches the stable version to compare with, so the last step cannot hold; set its hold to 0`,
    });
  out.push(...gateProblems(s.gates, i));
  return out;
}

/** Everything wrong with a plan, each with its step and field; empty when it can run. */
export function planProblems(plan: StepPlan): PlanProblem[] {
  const out: PlanProblem[] = [];
  const steps = plan.steps;
  if (steps.length === 0) return [{ message: 'a plan needs at least one step, the last one at 100%' }];
  if (steps.length > PLAN_LIMITS.maxSteps)
    out.push({ message: `a plan may have at most ${PLAN_LIMITS.maxSteps} steps, got ${steps.length}` });
  let previous: number | undefined;
  steps.forEach((s, i) => {
    if (s.kind === 'weight') {
      out.push(...weightProblems(s, i, previous, i === steps.length - 1));
      if (isWhole(s.weight)) previous = Math.max(previous ?? 0, s.weight);
    } else if (s.kind === 'mirror') out.push(...mirrorProblems(s, i, previous));
    else if (s.note !== undefined && s.note.length > PLAN_LIMITS.maxNoteLength)
      out.push({
        step: i,
        field: 'note',
        message: `step ${i + 1}: the note may be at most ${PLAN_LIMITS.maxNoteLength} characters`,
      });
  });
  const last = steps.at(-1);
  if (last?.kind !== 'weight' || last.weight !== 100)
    out.push({
      step: steps.length - 1,
      message: `the last step must send the canary 100% of traffic, but it is ${last?.kind === 'weight' ? `${last.weight}%` : last?.kind === 'mirror' ? 'a mirror step' : 'an approval'}`,
    });
  return out;
}

/** The problems in one sentence each, joined: what the API answers a refused plan with. */
export function describeProblems(problems: readonly PlanProblem[]): string {
  return problems.map((p) => p.message).join('; ');
}

/** The weight steps' shares in order: what the canary receives over a completed plan. */
export function weightsOf(plan: StepPlan): number[] {
  return plan.steps.flatMap((s) => (s.kind === 'weight' ? [s.weight] : []));
}

/** Step `i` in words: "step 2 of 5 (5%)", "step 3 of 5 (approval)", "step 1 of 6 (mirror 20%)". */
export function stepLabel(plan: StepPlan, i: number): string {
  const s = plan.steps[i];
  const what =
    s === undefined
      ? ''
      : s.kind === 'weight'
        ? ` (${s.weight}%)`
        : s.kind === 'mirror'
          ? ` (mirror ${s.percent}%)`
          : ' (approval)';
  return `step ${i + 1} of ${plan.steps.length}${what}`;
}
