// What a matched HTTPRoute rule does with the request, compiled once per rule:
// - a RequestRedirect filter answers with a redirect (statusCode, default 302);
// - otherwise a weighted pick among backendRefs: weight default 1, proportional to the total
//   (weight/sum, as the spec says); every weight 0, or no backendRefs, → 500 for all requests;
// - a picked backendRef that is not a core Service, or (when the router knows the Services) names a
//   Service that does not exist, or names one in another namespace that no ReferenceGrant permits,
//   → 500 for the requests that would have gone there; a Service without ready endpoints
//   (`isReady`) → 503 no_healthy_upstream, as the spec recommends.
// URLRewrite, RequestMirror and the header modifiers change the request, not where it goes.
//
// A 500 has no kind of its own in RouteOutcome: it is a `directResponse` with status 500, which is
// what the data plane sends back (Istio programs a direct response 500 for invalid backends).

import type { Destination, GatewayBackendRef } from '../model/index.ts';
import { isPlainObject } from '../model/index.ts';
import type { ReferenceGrants } from '../read/index.ts';
import { backendRefPermitted, backendVersionName, resolveHost } from '../read/index.ts';
import type { RouteOutcome, RouterOptions, RuleRef } from './evaluator-types.ts';
import { RouteCompileError } from './evaluator-types.ts';
import type { PreparedRequest } from './route-match.ts';
import { answerAt, routeToTarget } from './rule-outcome.ts';
import { weightedPicker } from './weighted-pick.ts';

export interface GatewayRouterOptions extends RouterOptions {
  /**
   * The Services that exist, as `namespace/name`. When given, a backendRef to a Service not in it
   * gets 500 (BackendNotFound); when absent every core Service reference is taken as resolvable.
   */
  services?: ReadonlySet<string>;
  /**
   * The ReferenceGrants that exist, by namespace (referenceGrantsOf). When given, or when `services`
   * is (the router then knows the cluster's objects: no grants means none exist), a backendRef to a
   * Service in another namespace that no grant permits gets 500 (RefNotPermitted); when neither is
   * given every such reference is taken as permitted.
   */
  referenceGrants?: ReferenceGrants;
  /** The grants are not known (the user may not list them): no reference is judged by them. */
  referenceGrantsUnknown?: boolean;
}

export type GatewayAction = (r: PreparedRequest, random: number, ref: RuleRef) => RouteOutcome;

type Target =
  | { ok: true; version: string; destination: Destination; host: string; index: number }
  | { ok: false; index: number; why: string };

const NO_GRANTS: ReferenceGrants = new Map();

const error500 = (ref: RuleRef, reason: string): RouteOutcome =>
  answerAt(ref, { kind: 'directResponse', status: 500, reason });

function redirectOf(filters: unknown, where: string): { status: number; redirect: unknown } | null {
  if (filters === undefined) return null;
  if (!Array.isArray(filters)) throw new RouteCompileError(`${where}.filters`, 'must be a list');
  for (const [i, f] of filters.entries()) {
    if (!isPlainObject(f) || f.type !== 'RequestRedirect') continue;
    const redirect = isPlainObject(f.requestRedirect) ? f.requestRedirect : {};
    const code = redirect.statusCode ?? 302;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 300 || code > 399)
      throw new RouteCompileError(
        `${where}.filters[${i}].requestRedirect.statusCode`,
        `'${String(code)}' is not a redirect status code`,
      );
    return { status: code, redirect };
  }
  return null;
}

function weightOf(ref: Record<string, unknown>, where: string): number {
  const w = ref.weight ?? 1;
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 0)
    throw new RouteCompileError(`${where}.weight`, `'${String(w)}' is not a whole number ≥ 0`);
  return w;
}

function targetOf(
  ref: Record<string, unknown>,
  index: number,
  routeNamespace: string,
  options: GatewayRouterOptions,
): Target {
  const version = backendVersionName(ref as unknown as GatewayBackendRef, routeNamespace);
  if (version === null)
    return {
      ok: false,
      index,
      why: `backendRef ${String(ref.kind ?? 'Service')} ${String(ref.name)} is not a Service`,
    };
  const name = ref.name as string;
  const ns = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : routeNamespace;
  const grants = options.referenceGrantsUnknown
    ? undefined
    : (options.referenceGrants ?? (options.services ? NO_GRANTS : undefined));
  if (grants && !backendRefPermitted(grants, routeNamespace, ns, name))
    return {
      ok: false,
      index,
      why: `backendRef to Service ${ns}/${name} not permitted: no ReferenceGrant in ${ns} lets HTTPRoutes in ${routeNamespace} reference it`,
    };
  if (options.services && !options.services.has(`${ns}/${name}`))
    return { ok: false, index, why: `Service ${ns}/${name} not found` };
  const host = resolveHost(name, ns);
  const destination: Destination = {
    host,
    ...(typeof ref.port === 'number' ? { port: { number: ref.port } } : {}),
  };
  return { ok: true, version, destination, host, index };
}

/** Compiles what rule `rule` (at `where`, e.g. spec.rules[2]) does; throws RouteCompileError on bad input. */
export function compileGatewayAction(
  rule: Record<string, unknown>,
  where: string,
  routeNamespace: string,
  options: GatewayRouterOptions,
): GatewayAction {
  const redirect = redirectOf(rule.filters, where);
  if (redirect) {
    const { status } = redirect;
    const value = redirect.redirect;
    return (_r, _x, ref) => answerAt(ref, { kind: 'redirect', status, redirect: value });
  }
  const raw = rule.backendRefs ?? [];
  if (!Array.isArray(raw)) throw new RouteCompileError(`${where}.backendRefs`, 'must be a list');
  const weights: number[] = [];
  const targets: Target[] = [];
  raw.forEach((ref, j) => {
    const at = `${where}.backendRefs[${j}]`;
    if (!isPlainObject(ref) || typeof ref.name !== 'string' || ref.name === '')
      throw new RouteCompileError(at, 'a backendRef needs a name');
    weights.push(weightOf(ref, at));
    targets.push(targetOf(ref, j, routeNamespace, options));
  });
  const pick = weightedPicker(weights);
  if (!pick)
    return (_r, _x, ref) =>
      error500(ref, raw.length === 0 ? 'no backendRefs' : 'every backendRef has weight 0');
  return (_r, random, ref) => {
    const t = targets[pick(random)]!;
    if (!t.ok) return error500(ref, t.why);
    return routeToTarget(ref, t, options, () => `Service ${t.host} has no ready endpoints`);
  };
}
