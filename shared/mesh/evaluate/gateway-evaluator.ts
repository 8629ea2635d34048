// Routes one request through a Gateway API HTTPRoute (gateway.networking.k8s.io v1, v1beta1) the
// way the spec says, into the same CompiledRouter the Istio VirtualService evaluator gives, so the
// preview (previewTraffic) works the same for both flavors.
//
// Unlike a VirtualService, an HTTPRoute is not first-match in list order. The spec (HTTPRouteRule
// `matches`, v1.6):
//   "Proxy or Load Balancer routing configuration generated from HTTPRoutes MUST prioritize matches
//    based on the following criteria, continuing on ties. Across all rules specified on applicable
//    Routes, precedence must be given to the match having:
//    * "Exact" path match.
//    * "Prefix" path match with largest number of characters.
//    * Method match.
//    * Largest number of header matches.
//    * Largest number of query param matches.
//    Note: The precedence of RegularExpression path matches are implementation-specific.
//    [...] If ties still exist within an HTTPRoute, matching precedence MUST be granted to the FIRST
//    matching rule (in list order) with a match meeting the above criteria."
// The order implemented here, over every (rule, match) pair of the route, continuing on ties:
//   1. path type: Exact > PathPrefix > RegularExpression (a RegularExpression path ranks below every
//      prefix, even `/`: Istio's translation does so, and Istio is what serves HTTPRoutes here);
//   2. longer path value first (characters of the value; of the pattern for RegularExpression);
//   3. a match with a method before one without;
//   4. more header matches first; 5. more query param matches first;
//   6. the earlier rule, then the earlier match within the rule.
// A rule without `matches` (or with an empty list) matches as `PathPrefix /` (matchIndex null).
// The first pair in that order whose match accepts the request decides; none → 404.
// Hostnames are not checked here: picking the route for a host is the caller's job, as with
// VirtualServices. When the request names a gateway, the route must be attached to it (parentRefs:
// a Gateway → `namespace/name`, a Service → `mesh`), otherwise 404.

import type { KubeObject } from '../model/index.ts';
import { GATEWAY_GROUP, groupOf, isPlainObject } from '../model/index.ts';
import { GATEWAY_API_VERSIONS } from '../read/index.ts';
import type { CompiledRouter, MeshRequest, RouteOutcome, RuleRef } from './evaluator-types.ts';
import { RouteCompileError } from './evaluator-types.ts';
import type { GatewayAction, GatewayRouterOptions } from './gateway-action.ts';
import { compileGatewayAction } from './gateway-action.ts';
import type { MatchKey, Predicate } from './gateway-match.ts';
import { CATCH_ALL_KEY, compareMatchKeys, compileGatewayMatch } from './gateway-match.ts';
import { prepare } from './route-match.ts';

export type { GatewayRouterOptions } from './gateway-action.ts';
export { compareMatchKeys, pathPrefixTest } from './gateway-match.ts';

interface Entry {
  key: MatchKey;
  ruleIndex: number;
  ruleName: string | undefined;
  matchIndex: number | null;
  /** Null: the implicit catch-all match. */
  test: Predicate | null;
  act: GatewayAction;
}

/** The parents a route is attached to, as request `gateway` values: `mesh` or `namespace/name`. */
function parentKeys(parentRefs: unknown, ns: string): string[] {
  if (!Array.isArray(parentRefs)) return [];
  const out: string[] = [];
  for (const p of parentRefs) {
    if (!isPlainObject(p) || typeof p.name !== 'string') continue;
    const kind = typeof p.kind === 'string' ? p.kind : 'Gateway';
    if (kind === 'Service') out.push('mesh');
    else if (kind === 'Gateway') out.push(`${typeof p.namespace === 'string' ? p.namespace : ns}/${p.name}`);
  }
  return [...new Set(out)];
}

/**
 * Compiles an HTTPRoute into a router; throws RouteCompileError (with the field's path) on what the
 * API server would have refused: an invalid regex, a relative path, an unknown match type, a bad weight.
 */
export function compileHTTPRoute(hr: KubeObject, options: GatewayRouterOptions): CompiledRouter {
  const version = hr.apiVersion.slice(GATEWAY_GROUP.length + 1);
  if (hr.kind !== 'HTTPRoute' || groupOf(hr.apiVersion) !== GATEWAY_GROUP)
    throw new RouteCompileError('kind', `${hr.apiVersion} ${hr.kind} is not a Gateway API HTTPRoute`);
  if (!GATEWAY_API_VERSIONS.includes(version))
    throw new RouteCompileError(
      'apiVersion',
      `${hr.apiVersion} is not one of ${GATEWAY_API_VERSIONS.join(', ')}`,
    );
  const ns = hr.metadata.namespace || 'default';
  const spec = isPlainObject(hr.spec) ? hr.spec : {};
  const hosts = Array.isArray(spec.hostnames)
    ? spec.hostnames.filter((h): h is string => typeof h === 'string')
    : [];
  const parents = parentKeys(spec.parentRefs, ns);
  const rawRules: unknown[] = Array.isArray(spec.rules) ? spec.rules : [];
  const rules: Array<{ index: number; name?: string }> = [];
  const entries: Entry[] = [];
  rawRules.forEach((rule, index) => {
    const where = `spec.rules[${index}]`;
    if (!isPlainObject(rule)) throw new RouteCompileError(where, 'a rule must be a mapping');
    const ruleName = typeof rule.name === 'string' ? rule.name : undefined;
    rules.push({ index, ...(ruleName !== undefined ? { name: ruleName } : {}) });
    const act = compileGatewayAction(rule, where, ns, options);
    const matches = rule.matches;
    if (matches !== undefined && matches !== null && !Array.isArray(matches))
      throw new RouteCompileError(`${where}.matches`, 'must be a list');
    if (!Array.isArray(matches) || matches.length === 0) {
      entries.push({ key: CATCH_ALL_KEY, ruleIndex: index, ruleName, matchIndex: null, test: null, act });
      return;
    }
    matches.forEach((m, j) => {
      const c = compileGatewayMatch(m, `${where}.matches[${j}]`, options.engine);
      entries.push({ key: c.key, ruleIndex: index, ruleName, matchIndex: j, test: c.test, act });
    });
  });
  // Array.prototype.sort is stable: ties keep rule order, then match order.
  entries.sort((a, b) => compareMatchKeys(a.key, b.key));

  return {
    hosts,
    rules,
    route(request: MeshRequest, random: number): RouteOutcome {
      const r = prepare(request, hosts[0] ?? '', ns, parents);
      if (request.gateway !== undefined && !parents.includes(r.gateways[0]!))
        return {
          kind: 'notFound',
          status: 404,
          reason: 'NR',
          message: `the HTTPRoute is not attached to '${request.gateway}' (attached to ${parents.join(', ') || 'nothing'})`,
        };
      for (const e of entries) {
        if (e.test !== null && !e.test(r)) continue;
        const ref: RuleRef = { ruleIndex: e.ruleIndex, ruleName: e.ruleName, matchIndex: e.matchIndex };
        return e.act(r, random, ref);
      }
      return {
        kind: 'notFound',
        status: 404,
        reason: 'NR',
        message: 'no HTTPRoute rule matches the request',
      };
    },
  };
}

/** One-off evaluation; compile once with compileHTTPRoute to route many requests. */
export function evaluateGatewayRequest(
  hr: KubeObject,
  request: MeshRequest,
  random: number,
  options: GatewayRouterOptions,
): RouteOutcome {
  return compileHTTPRoute(hr, options).route(request, random);
}

/** The Services among `objects`, as `namespace/name`, for GatewayRouterOptions.services. */
export function serviceKeys(objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects)
    if (o.kind === 'Service' && o.apiVersion === 'v1')
      out.add(`${o.metadata.namespace || 'default'}/${o.metadata.name}`);
  return out;
}
