// The route a release is read from, compiled into a router with its API's own precedence (an
// HTTPRoute ranks rules by match specificity, a VirtualService takes the first match), and the
// objects as a plan would leave them: what the preview and the all-traffic confirmation route with.

import { ApiFailure } from '../../../shared/api/errors.ts';
import type {
  CompiledRouter,
  MeshRequest,
  RouteOutcome,
  TrafficRoute,
} from '../../../shared/mesh/evaluate/index.ts';
import {
  compileHTTPRoute,
  compileVirtualService,
  RouteCompileError,
  routedTrafficRoutes,
  serviceKeys,
} from '../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, RegexEngine, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import {
  applyJsonPatch,
  isDestinationRule,
  isGatewayHTTPRoute,
  isPlainObject,
  istioDestinationWeights,
  isVirtualService,
} from '../../../shared/mesh/model/index.ts';
import type { ReleasePlan } from '../../../shared/mesh/plan/index.ts';
import {
  readGatewayApiReleases,
  readIstioReleases,
  referenceGrantsOf,
  resolveHost,
} from '../../../shared/mesh/read/index.ts';

export const sameTarget = (o: KubeObject, t: { kind: string; namespace: string; name: string }) =>
  o.kind === t.kind && o.metadata.name === t.name && (o.metadata.namespace || 'default') === t.namespace;

/** The objects with the plan's patches applied (an object the plan does not touch stays as it is). */
export function objectsAfterPlan(objects: readonly KubeObject[], plan: ReleasePlan): KubeObject[] {
  const out = [...objects];
  for (const step of plan.steps) {
    const i = out.findIndex((o) => sameTarget(o, step.target));
    const current = out[i];
    if (current) out[i] = applyJsonPatch(current, step.patch);
  }
  return out;
}

/** The router of the release's route among `objects`: a VirtualService or an HTTPRoute. */
export function compileReleaseRouter(
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
    return compileHTTPRoute(route, {
      engine,
      services: serviceKeys(objects),
      ...(release.referenceGrantsUnknown
        ? { referenceGrantsUnknown: true }
        : { referenceGrants: referenceGrantsOf(objects) }),
    });
  } catch (err) {
    if (err instanceof RouteCompileError)
      throw new ApiFailure('invalid-request', `${kind} ${route.metadata.name} ${err.message}`);
    throw err;
  }
}

/** The release as read again from `objects` (after a change), or undefined when it is gone. */
export function rereadRelease(
  release: ServiceRelease,
  objects: readonly KubeObject[],
): ServiceRelease | undefined {
  if (release.flavor === 'istio') return readIstioReleases(objects).find((r) => r.id === release.id);
  // Read as the release was: without grants it could not know, it judges no cross-namespace backend.
  const opts = release.referenceGrantsUnknown ? { referenceGrantsUnknown: true } : {};
  return readGatewayApiReleases(objects, opts).find((r) => r.id === release.id);
}

/**
 * The release's routes (read from `objects`), each taking the requests `routeIndexOf` says the
 * compiled route gives it. On an HTTPRoute a version is reachable only when its Service is among
 * `objects` and the reader found nothing that stops the route from using it.
 */
export function releaseRoutes(
  release: ServiceRelease,
  objects: readonly KubeObject[],
  routeIndexOf: (request: MeshRequest) => number | null,
): TrafficRoute<MeshRequest>[] {
  if (release.flavor !== 'gateway-api') return routedTrafficRoutes(release, routeIndexOf);
  const services = serviceKeys(objects);
  const routable = (version: string) => {
    const v = release.versions.find((x) => x.name === version);
    return (
      v !== undefined &&
      v.declared !== false &&
      services.has(`${v.source?.namespace ?? release.namespace}/${v.host}`)
    );
  };
  return routedTrafficRoutes(release, routeIndexOf, routable);
}

/**
 * The Istio routes the release does not model (a matched route splitting across destinations, one
 * with a weight under 100) that still send requests to destinations: what the proxy does with the
 * requests they take. Each destination counts as its version (by host and subset), else as its host.
 */
export function istioOtherRoutes(
  release: ServiceRelease,
  objects: readonly KubeObject[],
  routeIndexOf: (request: MeshRequest) => number | null,
): TrafficRoute<MeshRequest>[] {
  const vs = objects.find((o) => sameTarget(o, release.route));
  const http: unknown[] = vs && isVirtualService(vs) && Array.isArray(vs.spec?.http) ? vs.spec.http : [];
  const out: TrafficRoute<MeshRequest>[] = [];
  for (const other of release.otherRoutes) {
    const raw = http[other.index];
    if (!isPlainObject(raw) || raw.redirect !== undefined || raw.directResponse !== undefined) continue;
    const rds = (Array.isArray(raw.route) ? raw.route : []).filter(isPlainObject);
    if (rds.length === 0) continue;
    const weights = istioDestinationWeights(rds.map((rd) => (typeof rd.weight === 'number' ? rd : {})));
    const targets = rds.flatMap((rd, j) => {
      const d = isPlainObject(rd.destination) ? rd.destination : {};
      if (typeof d.host !== 'string') return [];
      const fqdn = resolveHost(d.host, release.namespace);
      const subset = typeof d.subset === 'string' ? d.subset : undefined;
      const v = release.versions.find((x) => x.fqdn === fqdn && x.subset === subset);
      const version = v?.name ?? (subset ? `${d.host}:${subset}` : d.host);
      return [{ version, weight: weights[j] ?? 0, routable: v?.declared !== false }];
    });
    out.push({
      label: other.name ?? `route ${other.index + 1}`,
      enabled: true,
      matches: (r) => routeIndexOf(r) === other.index,
      targets,
    });
  }
  return out;
}

/**
 * The index of the route that takes a request the router answered with `outcome`, or null when the
 * request reaches no version: no route matched, or a VirtualService's direct answer (a fault
 * injection abort, a directResponse route), which the caller's proxy gives itself.
 */
export function takingRouteIndex(
  outcome: RouteOutcome | undefined,
  flavor: ServiceRelease['flavor'],
): number | null {
  if (!outcome || outcome.kind === 'notFound') return null;
  if (outcome.kind === 'directResponse' && flavor === 'istio') return null;
  return outcome.ruleIndex;
}

/**
 * Every route a sample is counted over: the release's own (releaseRoutes), then on a VirtualService
 * the routes outside the model that still send requests (istioOtherRoutes; a matched split serves
 * what it matches first). `modelled` is how many come first, so rule positions stay as they are.
 */
export function sampleRoutes(
  release: ServiceRelease,
  objects: readonly KubeObject[],
  routeIndexOf: (request: MeshRequest) => number | null,
): { routes: TrafficRoute<MeshRequest>[]; modelled: number } {
  const routes = releaseRoutes(release, objects, routeIndexOf);
  const modelled = routes.length;
  if (release.flavor === 'istio') routes.push(...istioOtherRoutes(release, objects, routeIndexOf));
  return { routes, modelled };
}
