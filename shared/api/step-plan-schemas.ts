import { z } from 'zod';
import { PLAN_LIMITS } from '../rollout/step-plan.ts';
import { RolloutPlanId } from './console-schemas.ts';
import { lazySchema } from './lazy-schema.ts';

// Release plans with gates (issue 16): the steps that take a rollout's canary from its first share
// of traffic to all of it, each share held and judged against the stable version. The shapes are
// checked here; whether a plan makes sense (weights rise, end at 100, sane thresholds) is said by
// `planProblems` in shared/rollout, step by step and field by field.

export const GateThresholdsView = lazySchema(() =>
  z.object({
    maxSuccessRateDropPoints: z.number(),
    maxP95Ratio: z.number(),
    minRequests: z.number(),
  }),
);

/** A weight step; a hold or a gate left out takes its default (300 s; 1 point, 1.5×, 100 requests). */
export const WeightStepInput = lazySchema(() =>
  z
    .object({
      kind: z.literal('weight'),
      weight: z.number(),
      holdSeconds: z.number().optional(),
      gates: GateThresholdsView.partial().strict().optional(),
    })
    .strict(),
);

/**
 * A mirror step: copies of `percent`% (above 0, at most 100, one decimal) of the catch-all route's
 * requests go to the canary while it holds, its split weight unchanged; its gates judge the canary's
 * requests as its own sidecar reports them (reporter="destination"). A hold or a gate left out takes
 * its default. The mirror is removed when the plan leaves the step, and by a restore.
 */
export const MirrorStepInput = lazySchema(() =>
  z
    .object({
      kind: z.literal('mirror'),
      percent: z.number(),
      holdSeconds: z.number().optional(),
      gates: GateThresholdsView.partial().strict().optional(),
    })
    .strict(),
);

export const ApprovalStepInput = lazySchema(() =>
  z
    .object({ kind: z.literal('approval'), note: z.string().max(PLAN_LIMITS.maxNoteLength).optional() })
    .strict(),
);

export const StepPlanInput = lazySchema(() =>
  z
    .object({
      steps: z
        .array(z.discriminatedUnion('kind', [WeightStepInput, ApprovalStepInput, MirrorStepInput]))
        .max(PLAN_LIMITS.maxSteps),
    })
    .strict(),
);
export type StepPlanInput = z.infer<typeof StepPlanInput>;

const PlanStepView = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('weight'),
      weight: z.number(),
      holdSeconds: z.number(),
      gates: GateThresholdsView,
    }),
    z.object({ kind: z.literal('approval'), note: z.string().optional() }),
    z.object({
      kind: z.literal('mirror'),
      percent: z.number(),
      holdSeconds: z.number(),
      gates: GateThresholdsView,
    }),
  ]),
);

export const GateResultView = lazySchema(() =>
  z.object({
    gate: z.enum(['requests', 'success-rate', 'p95-latency']),
    status: z.enum(['pass', 'fail', 'no-data']),
    /** Requests, success rate in percent, or p95 in ms; null when there is none. */
    canary: z.number().nullable(),
    stable: z.number().nullable(),
    /** The threshold: least requests, most points lower, most times slower. */
    limit: z.number(),
    /** "success rate 91.2% vs stable 99.8%: 8.6 points lower, more than the 2 allowed". */
    text: z.string(),
  }),
);
export type GateResultView = z.infer<typeof GateResultView>;

const Split = lazySchema(() => z.array(z.object({ version: z.string(), weight: z.number() })));

export const StepPlanView = lazySchema(() =>
  z.object({
    contextId: z.string(),
    /** The rollout (RolloutPlanView id) the plan drives. */
    id: z.string(),
    releaseId: z.string(),
    canary: z.string(),
    stable: z.string(),
    steps: z.array(PlanStepView),
    state: z.enum(['running', 'paused', 'rolling-back', 'completed', 'failed', 'aborted']),
    /** The step being carried out, 0-based (`steps.length` once completed). */
    currentStep: z.number().int(),
    /** The last weight step whose share (or mirror step whose mirror) was applied, 0-based. */
    appliedStep: z.number().int().optional(),
    /** The mirror step whose mirror is on the route now, 0-based. */
    mirrorOn: z.number().int().optional(),
    /** The current weight step's hold (ISO times); it restarts after a pause, restart or sleep. */
    holdStartedAt: z.string().optional(),
    holdEndsAt: z.string().optional(),
    /** Why the plan is not moving on: the gate's data, an approval, Prometheus, proxies not yet in effect. */
    waiting: z.string().optional(),
    /** The proxies after the last step: "in effect at 9 of 9 proxies", or why that is not known. */
    proxies: z.string().optional(),
    /** The split the last weight step applied. */
    split: Split.optional(),
    /** The route before the plan: its split, how many content rules it had, its mirror (null: none). */
    before: z.object({
      split: Split,
      rules: z.number().int(),
      mirror: z.object({ version: z.string(), percentage: z.number() }).nullable().optional(),
    }),
    /** The latest reading of a step's gates, figures included. */
    gates: z
      .object({
        step: z.number().int(),
        at: z.string(),
        windowSeconds: z.number(),
        results: z.array(GateResultView),
      })
      .optional(),
    outcome: z
      .object({
        kind: z.enum(['completed', 'failed', 'aborted']),
        at: z.string(),
        reason: z.string(),
        failed: z.array(GateResultView).optional(),
        /** The route is back as it was before the plan. */
        restored: z.boolean().optional(),
      })
      .optional(),
    /** History entries of the plan's changes, oldest first. */
    historyIds: z.array(z.string()),
    /** This app is carrying the plan out now (a paused or finished plan is not). */
    watching: z.boolean(),
    startedAt: z.string(),
    updatedAt: z.string(),
    lastError: z.string().optional(),
  }),
);
export type StepPlanView = z.infer<typeof StepPlanView>;

const PlanRef = lazySchema(() => z.object({ contextId: z.string(), id: RolloutPlanId }).strict());

export const stepPlanCalls = {
  /** Starts a plan on a rollout that is ready or routing; without `plan`, the default plan. */
  'rollout.steps.start': {
    request: lazySchema(() =>
      z.object({ contextId: z.string(), id: RolloutPlanId, plan: StepPlanInput.optional() }).strict(),
    ),
    response: StepPlanView,
  },
  'rollout.steps.get': { request: PlanRef, response: StepPlanView },
  'rollout.steps.pause': { request: PlanRef, response: StepPlanView },
  /** Running again: the current step's hold begins again. */
  'rollout.steps.resume': { request: PlanRef, response: StepPlanView },
  /** Skips ahead to step `toStep` (0-based): its share is applied next, skipped gates are not read. */
  'rollout.steps.skip': {
    request: lazySchema(() =>
      z.object({ contextId: z.string(), id: RolloutPlanId, toStep: z.number().int() }).strict(),
    ),
    response: StepPlanView,
  },
  'rollout.steps.approve': { request: PlanRef, response: StepPlanView },
  /** Stops the plan and restores the route as it was before it (split and rules). */
  'rollout.steps.abort': { request: PlanRef, response: StepPlanView },
} as const;

export const stepPlanEvents = {
  /** A plan moved: a step applied, a hold began, a gate read, an outcome. */
  'rollout.steps.changed': StepPlanView,
} as const;
