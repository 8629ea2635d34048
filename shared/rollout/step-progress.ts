// The operator's hands on a plan (pause, resume, skip ahead, approve, abort) and what a restart does
// to it, as pure changes of its progress. Each refuses what cannot be done now, saying why.

import type { PlanState, StepProgress } from './step-decision.ts';
import { FINISHED_PLAN_STATES } from './step-decision.ts';
import type { StepPlan } from './step-plan.ts';

export class StepPlanError extends Error {
  override name = 'StepPlanError';
}

export function startProgress(): StepProgress {
  return { state: 'running', current: 0 };
}

function requireState(p: StepProgress, allowed: readonly PlanState[], what: string): void {
  if (!allowed.includes(p.state)) throw new StepPlanError(`cannot ${what} the plan: it is ${p.state}`);
}

/** A weight step's share (or a mirror step's mirror) is applied: its hold begins now. */
export function applied(p: StepProgress, step: number, now: number): StepProgress {
  return { ...p, appliedStep: step, holdStartedAt: now };
}

/** A mirror step's mirror is on the route: its hold begins now. */
export function mirrored(p: StepProgress, step: number, now: number): StepProgress {
  return { ...applied(p, step, now), mirrorOn: step };
}

/** The mirror is off the route again (the plan left its step, or the route was restored). */
export function mirrorEnded(p: StepProgress): StepProgress {
  const { mirrorOn: _m, ...rest } = p;
  return rest;
}

export function advanced(p: StepProgress, to: number): StepProgress {
  const { holdStartedAt: _h, ...rest } = p;
  return { ...rest, current: to };
}

export function paused(p: StepProgress): StepProgress {
  requireState(p, ['running'], 'pause');
  return { ...p, state: 'paused' };
}

/**
 * Running again after a pause, a restart or a sleep: a weight step whose hold was interrupted
 * begins its hold again now, so its gates read only traffic seen while the plan watched.
 */
export function restarted(p: StepProgress, now: number): StepProgress {
  if (p.appliedStep === p.current && p.holdStartedAt !== undefined) return { ...p, holdStartedAt: now };
  return p;
}

export function resumed(p: StepProgress, now: number): StepProgress {
  requireState(p, ['paused'], 'resume');
  return restarted({ ...p, state: 'running' }, now);
}

/** Skips ahead to step `to` (0-based): its share is applied next; skipped steps' gates are not read. */
export function skippedTo(plan: StepPlan, p: StepProgress, to: number): StepProgress {
  requireState(p, ['running', 'paused'], 'skip a step of');
  if (!Number.isInteger(to) || to < 0 || to >= plan.steps.length)
    throw new StepPlanError(`there is no step ${to + 1}: the plan has ${plan.steps.length} step(s)`);
  if (to <= p.current)
    throw new StepPlanError(
      `can only skip ahead: the plan is at step ${p.current + 1}, and weights never go back down; abort to roll back`,
    );
  return advanced(p, to);
}

export function approved(plan: StepPlan, p: StepProgress): StepProgress {
  requireState(p, ['running', 'paused'], 'approve a step of');
  const step = plan.steps[p.current];
  if (step?.kind !== 'approval')
    throw new StepPlanError(
      `step ${p.current + 1} is not waiting for an approval (it is a ${step?.kind ?? 'missing'} step)`,
    );
  return { ...p, approvedStep: p.current };
}

/** Stops the plan; the release goes back to the route as it was before it (`rolling-back`). */
export function aborting(p: StepProgress): StepProgress {
  if (FINISHED_PLAN_STATES.includes(p.state))
    throw new StepPlanError(`cannot abort the plan: it is ${p.state}`);
  return { ...p, state: 'rolling-back' };
}
