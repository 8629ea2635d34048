import type { ApiHandlers } from '../api-dispatch.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import { applyPlan, planAllTrafficChange, planEdit } from '../services/release-changes.ts';
import { getRelease, previewEdit } from '../services/release-reads.ts';

type ReleaseCalls = Pick<
  ApiHandlers,
  | 'release.get'
  | 'release.plan'
  | 'release.apply'
  | 'release.preview'
  | 'release.allTraffic'
  | 'release.health'
  | 'release.start'
  | 'release.workflows'
  | 'release.promote'
  | 'release.finalize'
  | 'release.abort'
  | 'release.resume'
>;

/** release.*: one service's view, its edits (plan, review, apply, preview) and the release workflow. */
export function releaseHandlers(s: ConsoleServices): ReleaseCalls {
  const workflow = s.rollouts;
  return {
    'release.get': ({ contextId, releaseId }) => getRelease(s, contextId, releaseId),
    'release.plan': (req) => planEdit(s, req),
    'release.apply': ({ planId }) => applyPlan(s, planId),
    'release.preview': (req) => previewEdit(s, req),
    'release.allTraffic': (req) => planAllTrafficChange(s, req),
    'release.health': (req) => workflow.health(req),
    'release.start': (req) => workflow.start(req),
    'release.workflows': (req) => workflow.list(req),
    'release.promote': (req) => workflow.promote(req),
    'release.finalize': (req) => workflow.finalize(req),
    'release.abort': (req) => workflow.abort(req),
    'release.resume': (req) => workflow.resume(req),
  };
}
