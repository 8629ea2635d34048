import type { DesiredReleaseInput, PreviewView } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { CompiledRouter, MeshRequest } from '../../../shared/mesh/evaluator.ts';
import { compileVirtualService, RouteCompileError } from '../../../shared/mesh/evaluator.ts';
import { compileHTTPRoute, serviceKeys } from '../../../shared/mesh/gateway-evaluator.ts';
import type { KubeObject } from '../../../shared/mesh/istio-types.ts';
import { isDestinationRule, isGatewayHTTPRoute, isVirtualService } from '../../../shared/mesh/istio-types.ts';
import { applyJsonPatch } from '../../../shared/mesh/json-patch.ts';
import { previewTraffic } from '../../../shared/mesh/preview.ts';
import { readGatewayApiReleases } from '../../../shared/mesh/read-gateway-api.ts';
import { readIstioReleases } from '../../../shared/mesh/read-istio.ts';
import type { RegexEngine } from '../../../shared/mesh/regex-engine.ts';
import type { ServiceRelease } from '../../../shared/mesh/release-model.ts';
import { ReleaseEditError } from '../../../shared/mesh/release-model.ts';
import { planRelease } from '../../../shared/mesh/release-plan.ts';
import { desiredFromInput } from './desired-release-input.ts';

// The live rule preview: plan the desired release exactly as "Review changes" would, apply the
// plan to copies of the objects, and route the sample through the resulting VirtualService or
// HTTPRoute (shared/mesh/evaluator.ts, shared/mesh/gateway-evaluator.ts).

const sameTarget = (o: KubeObject, t: { kind: string; namespace: string; name: string }) =>
  o.kind === t.kind && o.metadata.name === t.name && (o.metadata.namespace || 'default') === t.namespace;

/** The objects as they would be after the desired change (the current ones when nothing changes). */
export function desiredObjects(
  release: ServiceRelease,
  input: DesiredReleaseInput,
  objects: readonly KubeObject[],
  engine: RegexEngine,
): KubeObject[] {
  if (!release.editable) return [...objects];
  try {
    const plan = planRelease(release, desiredFromInput(release, input, engine), objects);
    const out = [...objects];
    for (const step of plan.steps) {
      const i = out.findIndex((o) => sameTarget(o, step.target));
      const current = out[i];
      if (current) out[i] = applyJsonPatch(current, step.patch);
    }
    return out;
  } catch (err) {
    if (err instanceof ReleaseEditError) throw new ApiFailure('invalid-request', err.message);
    throw err;
  }
}

/** The router of the release's route after the desired change: a VirtualService or an HTTPRoute. */
function compileRouter(
  release: ServiceRelease,
  objects: readonly KubeObject[],
  engine: RegexEngine,
): CompiledRouter {
  const route = objects.find((o) => sameTarget(o, release.route));
  const kind = release.flavor === 'istio' ? 'VirtualService' : 'HTTPRoute';
  const found = route && (release.flavor === 'istio' ? isVirtualService(route) : isGatewayHTTPRoute(route));
  if (!route || !found)
    throw new ApiFailure('not-found', `${kind} ${release.route.namespace}/${release.route.name} is gone`);
  try {
    if (isVirtualService(route))
      return compileVirtualService(route, { engine, destinationRules: objects.filter(isDestinationRule) });
    return compileHTTPRoute(route, { engine, services: serviceKeys(objects) });
  } catch (err) {
    if (err instanceof RouteCompileError)
      throw new ApiFailure('invalid-request', `${kind} ${route.metadata.name} ${err.message}`);
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
  const router = compileRouter(release, objects, engine);
  const result = previewTraffic(router, opts.requests, { seed: 1 });

  // The routes of the desired rules, in order, are the enabled rules of the desired input.
  // An HTTPRoute's rules are chosen by precedence, not order, but the planner still writes the
  // desired rules in order, so the k-th content rule of the desired route is the k-th enabled rule.
  const after = (release.flavor === 'istio' ? readIstioReleases : readGatewayApiReleases)(objects).find(
    (r) => r.id === release.id,
  );
  const routeIndexes = [...(after?.rules ?? [])].sort((a, b) => a.index - b.index).map((r) => r.index);
  const enabled = input.rules.flatMap((r, position) => (r.enabled ? [position] : []));
  const positionOf = new Map<number, number>();
  routeIndexes.forEach((index, k) => {
    const position = enabled[k];
    if (position !== undefined) positionOf.set(index, position);
  });
  const share = (count: number) => ({ count, share: result.total === 0 ? 0 : count / result.total });
  const caught = new Map<number, number>();
  let unmatched = 0;
  for (const row of result.rules) {
    const position = row.ruleIndex === null ? undefined : positionOf.get(row.ruleIndex);
    if (position === undefined) unmatched += row.count;
    else caught.set(position, (caught.get(position) ?? 0) + row.count);
  }
  return {
    total: result.total,
    source: opts.source,
    rules: input.rules.map((_, position) => ({ position, ...share(caught.get(position) ?? 0) })),
    unmatched: share(unmatched),
    versions: result.versions.map((v) => ({ version: v.version, count: v.count, share: v.share })),
    other: result.other.map((o) => ({ outcome: o.outcome, count: o.count, share: o.share })),
  };
}
