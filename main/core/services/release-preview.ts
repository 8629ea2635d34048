import type { DesiredReleaseInput, PreviewView } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { MeshRequest } from '../../../shared/mesh/evaluate/index.ts';
import { effectiveTraffic, previewTraffic, sideEffectShares } from '../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, RegexEngine, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { ReleaseEditError } from '../../../shared/mesh/model/index.ts';
import { planRelease } from '../../../shared/mesh/plan/index.ts';
import { desiredFromInput } from './desired-release-input.ts';
import {
  compileReleaseRouter,
  objectsAfterPlan,
  rereadRelease,
  sampleRoutes,
  takingRouteIndex,
} from './release-router.ts';

// The live rule preview: plan the desired release exactly as "Review changes" would, apply the
// plan to copies of the objects, and route the sample through the resulting VirtualService or
// HTTPRoute (shared/mesh/evaluator.ts, shared/mesh/gateway-evaluator.ts).

/** The objects as they would be after the desired change (the current ones when nothing changes). */
export function desiredObjects(
  release: ServiceRelease,
  input: DesiredReleaseInput,
  objects: readonly KubeObject[],
  engine: RegexEngine,
): KubeObject[] {
  if (!release.editable) return [...objects];
  try {
    return objectsAfterPlan(objects, planRelease(release, desiredFromInput(release, input, engine), objects));
  } catch (err) {
    if (err instanceof ReleaseEditError) throw new ApiFailure('invalid-request', err.message);
    throw err;
  }
}

export function previewRelease(opts: {
  release: ServiceRelease;
  input: DesiredReleaseInput;
  objects: readonly KubeObject[];
  engine: RegexEngine;
  requests: readonly MeshRequest[];
  source: PreviewView['source'];
}): PreviewView {
  const { release, input, engine } = opts;
  const objects = desiredObjects(release, input, opts.objects, engine);
  const router = compileReleaseRouter(release, objects, engine);
  // The compiled route decides which route takes each request (with its API's precedence); the one
  // effective-traffic function every screen uses counts where those routes send it.
  const result = previewTraffic(router, opts.requests, { seed: 1 });
  const after = rereadRelease(release, objects);
  const routeIndex = new Map<MeshRequest, number | null>();
  // A request reaching no version is among the outcomes in `other`.
  opts.requests.forEach((request, i) => {
    routeIndex.set(request, takingRouteIndex(result.outcomes[i], release.flavor));
  });
  const indexOf = (r: MeshRequest) => routeIndex.get(r) ?? null;
  const { routes, modelled } = after ? sampleRoutes(after, objects, indexOf) : { routes: [], modelled: 0 };
  const traffic = effectiveTraffic(
    routes,
    opts.requests.map((request) => ({ request })),
  );

  // The k-th content rule of the desired route is the k-th enabled rule of the desired input (the
  // planner writes the desired rules in order), so rule shares map back to input positions.
  const enabled = input.rules.flatMap((r, position) => (r.enabled ? [position] : []));
  const total = opts.requests.length;
  const share = (fraction: number) => ({ count: Math.round(fraction * total), share: fraction });
  const caughtAt = new Map<number, number>();
  traffic.routes.forEach((r, k) => {
    const position = enabled[k];
    if (!r.catchAll && position !== undefined) caughtAt.set(position, r.share);
  });
  const caught = [...caughtAt.values()].reduce((s, x) => s + x, 0);
  // What those other routes take reaches neither a content rule nor the catch-all's weights.
  const elsewhere = traffic.routes.slice(modelled).reduce((s, r) => s + r.share, 0);
  const effects = sideEffectShares(result.outcomes);
  const rows = (list: Array<{ version: string; count: number }>) =>
    list.map((x) => ({ version: x.version, count: Math.round(x.count), share: total ? x.count / total : 0 }));
  return {
    total,
    source: opts.source,
    rules: input.rules.map((_, position) => ({ position, ...share(caughtAt.get(position) ?? 0) })),
    unmatched: share(Math.max(0, 1 - caught - elsewhere)),
    versions: traffic.versions.map((v) => ({
      version: v.version,
      ...share(v.share),
      viaRules: v.viaRules,
      viaCatchAll: v.viaCatchAll,
    })),
    other: result.other.map((o) => ({ outcome: o.outcome, count: o.count, share: o.share })),
    ...(effects.pinned.length > 0 ? { pinned: rows(effects.pinned) } : {}),
    ...(effects.mirrored.length > 0 ? { mirrored: rows(effects.mirrored) } : {}),
  };
}
