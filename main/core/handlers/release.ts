import type { ApiHandlers } from '../api-dispatch.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import { planDownstream, releaseCallers } from '../services/release-callers.ts';
import { applyPlan, planAllTrafficChange, planEdit } from '../services/release-changes.ts';
import { getRelease, previewEdit } from '../services/release-reads.ts';

type ReleaseCalls = Pick<
  ApiHandlers,
  | 'release.get'
  | 'release.plan'
  | 'release.apply'
  | 'release.preview'
  | 'release.allTraffic'
  | 'release.callers'
  | 'release.planDownstream'
  | 'release.proxies'
>;

/**
 * release.*: one service's view and its edits (plan, review, apply, preview, all traffic to one
 * version), and after an apply, at how many proxies it is in effect.
 */
export function releaseHandlers(s: ConsoleServices): ReleaseCalls {
  return {
    'release.get': ({ contextId, releaseId }) => getRelease(s, contextId, releaseId),
    'release.plan': (req) => planEdit(s, req),
    'release.apply': ({ planId }) => applyPlan(s, planId),
    'release.preview': (req) => previewEdit(s, req),
    'release.allTraffic': (req) => planAllTrafficChange(s, req),
    'release.callers': (req) => releaseCallers(s, req),
    'release.planDownstream': (req) => planDownstream(s, req),
    'release.proxies': ({ contextId, releaseId }) => s.proxies.convergence(contextId, releaseId),
  };
}
