// "Switch all traffic to X" and "Roll back to Y" as one reviewed change: the pure edit (catch-all to
// 100%, the other rules disabled, retargeted or kept), its plan, and the words the confirmation and
// History use for it.

import type { CallRequest } from '../../../shared/api/contract.ts';
import type { MeshRequest, TrafficRoute } from '../../../shared/mesh/evaluate/index.ts';
import { effectiveTraffic } from '../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, RegexEngine, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { AllTrafficEdit, ReleasePlan } from '../../../shared/mesh/plan/index.ts';
import { planRelease, routeAllTrafficTo } from '../../../shared/mesh/plan/index.ts';
import {
  compileReleaseRouter,
  objectsAfterPlan,
  rereadRelease,
  sampleRoutes,
  takingRouteIndex,
} from './release-router.ts';

export interface AllTrafficChange {
  edit: AllTrafficEdit;
  plan: ReleasePlan;
  /** For History: what was done, naming each rule's outcome. */
  description: string;
  /** For the review: one line. */
  summary: string;
  restores?: string;
}

const ruleName = (r: { id: string; name?: string }) => r.name ?? r.id;

/** The version holding most of the catch-all route now (the one being rolled back from). */
function majority(release: ServiceRelease): string | undefined {
  const top = [...(release.defaultRoute?.destinations ?? [])].sort((a, b) => b.weight - a.weight)[0];
  return top && top.weight > 0 ? top.version : undefined;
}

export function planAllTraffic(
  release: ServiceRelease,
  objects: readonly KubeObject[],
  req: CallRequest<'release.allTraffic'>,
): AllTrafficChange {
  // A ReleaseEditError crosses the contract as 'invalid-request' (handlers/api-failures.ts).
  const edit = routeAllTrafficTo(release, req.version, { rules: req.rules });
  const plan = planRelease(release, edit.desired, objects);
  const host = release.host.split('.')[0] ?? release.host;
  const verb = req.purpose === 'rollback' ? `roll back to ${req.version}` : `all traffic to ${req.version}`;
  const byOutcome = (o: string) => edit.rules.filter((r) => r.outcome === o).map(ruleName);
  const parts = [
    ['disabled', 'disabled (kept in the route, can be re-enabled)'],
    ['retargeted', `retargeted to ${req.version}`],
    ['kept', 'kept (their requests still reach their versions)'],
  ]
    .map(([o, words]) => {
      const names = byOutcome(o!);
      return names.length ? `rule(s) ${names.join(', ')} ${words}` : '';
    })
    .filter(Boolean);
  const from = majority(release);
  const restores =
    req.purpose === 'rollback'
      ? `${req.version} takes all of ${host}'s traffic again${from && from !== req.version ? `, as before ${from} took it over` : ''}${edit.drained.length ? `; ${edit.drained.join(', ')} stop receiving requests` : ''}`
      : undefined;
  return {
    edit,
    plan,
    description: `${host}: ${verb}${parts.length ? `; ${parts.join('; ')}` : ''}`,
    summary:
      plan.steps.length === 0
        ? 'Nothing to change: the cluster already has this.'
        : `${plan.steps.length} step(s) on ${release.host}`,
    ...(restores ? { restores } : {}),
  };
}

/**
 * Where a sample population goes before and after the change (the effective traffic), for the
 * confirmation to show beside the split. Each request is routed as the data plane does, before
 * through the live route among `objects`, after through the route the change's plan writes: a
 * VirtualService's first matching http route (one the console does not edit, such as a matched
 * split, included), an HTTPRoute's most specific match (PathPrefix matches whole path segments).
 * Requests a VirtualService's fault injection aborts reach no version.
 */
export function allTrafficShares(
  release: ServiceRelease,
  change: Pick<AllTrafficChange, 'edit' | 'plan'>,
  objects: readonly KubeObject[],
  requests: readonly MeshRequest[],
  engine: RegexEngine,
  basis: string,
): {
  basis: string;
  before: Array<{ version: string; share: number }>;
  after: Array<{ version: string; share: number }>;
} {
  const population = requests.map((request) => ({ request }));
  // Each request's draw, spread evenly over [0, 1): a rule's fault abort takes its share of them
  // (one draw for all made an abort all or nothing).
  const draws = new Map(requests.map((request, i) => [request, (i + 0.5) / requests.length]));
  const shares = (routes: ReadonlyArray<TrafficRoute<MeshRequest>>) =>
    effectiveTraffic(routes, population).versions.map((v) => ({ version: v.version, share: v.share }));
  const routed = (state: readonly KubeObject[]) => {
    const read = rereadRelease(release, state);
    if (!read) return [];
    const router = compileReleaseRouter(read, state, engine);
    const routeIndexOf = (request: MeshRequest) =>
      takingRouteIndex(router.route(request, draws.get(request) ?? 0), read.flavor);
    const { routes } = sampleRoutes(read, state, routeIndexOf);
    return shares(routes);
  };
  return { basis, before: routed(objects), after: routed(objectsAfterPlan(objects, change.plan)) };
}
