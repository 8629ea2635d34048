import type { ApiHandlers } from '../api-dispatch.ts';
import type { Rollouts } from '../rollout/rollouts.ts';
import type { StepPlans } from '../rollout/step-plans.ts';

type RolloutCalls = Pick<
  ApiHandlers,
  | 'rollout.start'
  | 'rollout.list'
  | 'rollout.health'
  | 'rollout.promote'
  | 'rollout.finalize'
  | 'rollout.abort'
  | 'rollout.deleteOldService'
  | 'rollout.resume'
  | 'rollout.steps.start'
  | 'rollout.steps.get'
  | 'rollout.steps.pause'
  | 'rollout.steps.resume'
  | 'rollout.steps.skip'
  | 'rollout.steps.approve'
  | 'rollout.steps.abort'
>;

/** rollout.*: the rollout plan of a new version (the release wizard), and its release plan with gates. */
export function rolloutHandlers(rollouts: Rollouts, steps: StepPlans): RolloutCalls {
  return {
    'rollout.start': (req) => rollouts.start(req),
    'rollout.list': (req) => rollouts.list(req),
    'rollout.health': (req) => rollouts.health(req),
    'rollout.promote': (req) => rollouts.promote(req),
    'rollout.finalize': (req) => rollouts.finalize(req),
    'rollout.abort': (req) => rollouts.abort(req),
    'rollout.deleteOldService': (req) => rollouts.deleteOldService(req),
    'rollout.resume': (req) => rollouts.resume(req),
    // Release plans with gates over a rollout (issue 16).
    'rollout.steps.start': (req) => steps.start(req),
    'rollout.steps.get': (req) => steps.get(req),
    'rollout.steps.pause': (req) => steps.pause(req),
    'rollout.steps.resume': (req) => steps.resume(req),
    'rollout.steps.skip': (req) => steps.skip(req),
    'rollout.steps.approve': (req) => steps.approve(req),
    'rollout.steps.abort': (req) => steps.abort(req),
  };
}
