import type { ApiHandlers } from '../api-dispatch.ts';
import type { Rollouts } from '../rollout/rollouts.ts';

type RolloutCalls = Pick<
  ApiHandlers,
  | 'rollout.start'
  | 'rollout.list'
  | 'rollout.health'
  | 'rollout.promote'
  | 'rollout.finalize'
  | 'rollout.abort'
  | 'rollout.resume'
>;

/** rollout.*: the rollout plan of a new version (the release wizard), over the rollouts service. */
export function rolloutHandlers(rollouts: Rollouts): RolloutCalls {
  return {
    'rollout.start': (req) => rollouts.start(req),
    'rollout.list': (req) => rollouts.list(req),
    'rollout.health': (req) => rollouts.health(req),
    'rollout.promote': (req) => rollouts.promote(req),
    'rollout.finalize': (req) => rollouts.finalize(req),
    'rollout.abort': (req) => rollouts.abort(req),
    'rollout.resume': (req) => rollouts.resume(req),
  };
}
