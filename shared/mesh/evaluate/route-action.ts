// The action side of routing: what a matched http route does with the request (delegate, redirect,
// direct response, or a weighted pick among destinations, with 503s for missing subsets and
// endpoints), compiled once per route.

import type { DestinationRule, IstioHTTPRoute } from '../model/index.ts';
import { canonicalHost, hostMatches } from '../model/index.ts';
import type { RouteOutcome, RouterOptions, RuleRef } from './evaluator-types.ts';
import { faultAbortOf, isAborted } from './fault-abort.ts';
import type { Predicate, PreparedRequest } from './route-match.ts';
import { destinationCookies, routeMirrors } from './route-side-effects.ts';
import { answerAt, routeToTarget } from './rule-outcome.ts';
import { weightedPicker } from './weighted-pick.ts';

export interface CompiledRule {
  index: number;
  name?: string;
  /** Null: no `match`, takes everything. */
  matches: Predicate[] | null;
  act: (r: PreparedRequest, random: number, ref: RuleRef) => RouteOutcome;
}

export function subsetIndex(rules: readonly DestinationRule[]): (host: string) => Set<string> | null {
  const entries = rules
    .filter((dr) => dr?.spec && typeof dr.spec.host === 'string')
    .map((dr) => ({
      host: canonicalHost(dr.spec!.host, dr.metadata?.namespace),
      subsets: new Set((Array.isArray(dr.spec!.subsets) ? dr.spec!.subsets : []).map((s) => s?.name)),
    }));
  return (host) => {
    const exact = entries.filter((e) => e.host === host);
    const chosen = exact.length > 0 ? exact : entries.filter((e) => hostMatches(e.host, host));
    if (chosen.length === 0) return null;
    const all = new Set<string>();
    for (const e of chosen) for (const s of e.subsets) if (typeof s === 'string') all.add(s);
    return all;
  };
}

/**
 * A destination the data plane could route to: a host name, and a subset name when there is one.
 * Anything else (`host: 5`, `subset: 2` in a hand-edited file; Istio refuses it) is left out.
 */
function usableDestination(d: unknown): boolean {
  const destination = (d as { destination?: { host?: unknown; subset?: unknown } } | null)?.destination;
  if (typeof destination?.host !== 'string' || destination.host === '') return false;
  return destination.subset === undefined || typeof destination.subset === 'string';
}

export function compileAction(
  route: IstioHTTPRoute,
  path: string,
  vsNamespace: string | undefined,
  options: RouterOptions,
  subsetsOf: ((host: string) => Set<string> | null) | null,
): CompiledRule['act'] {
  if (route.delegate && typeof route.delegate === 'object') {
    const delegate = route.delegate;
    return (_r, _x, ref) => answerAt(ref, { kind: 'delegate', delegate });
  }
  if (route.redirect && typeof route.redirect === 'object') {
    const redirect = route.redirect;
    const code = (redirect as { redirectCode?: unknown }).redirectCode;
    const status = typeof code === 'number' ? code : 301;
    return (_r, _x, ref) => answerAt(ref, { kind: 'redirect', status, redirect });
  }
  if (route.directResponse && typeof route.directResponse === 'object') {
    const s = (route.directResponse as { status?: unknown }).status;
    const status = typeof s === 'number' ? s : 200;
    return (_r, _x, ref) => answerAt(ref, { kind: 'directResponse', status });
  }
  const dests = Array.isArray(route.route) ? route.route.filter(usableDestination) : [];
  if (dests.length === 0) {
    const message = `${path} has no route, redirect, directResponse or delegate`;
    return (_r, _x, ref) => answerAt(ref, { kind: 'unavailable', status: 503, reason: 'no action', message });
  }
  const weights =
    dests.length === 1
      ? [1]
      : dests.map((d) => (typeof d.weight === 'number' && d.weight > 0 ? d.weight : 0));
  const pick = weightedPicker(weights);
  const targets = dests.map((d, i) => {
    const destination = d.destination;
    const host = canonicalHost(destination.host, vsNamespace);
    const subset = destination.subset;
    const known = subsetsOf && subset ? subsetsOf(host) : null;
    const missing = subsetsOf && subset ? !known?.has(subset) : false;
    return { destination, host, subset, missing, index: i, version: subset || destination.host };
  });
  const mirrors = routeMirrors(route);
  const cookies = destinationCookies(route);
  const abort = faultAbortOf(route);
  return (_r, random, ref) => {
    if (abort && isAborted(abort, random))
      return answerAt(ref, {
        kind: 'directResponse',
        status: abort.status,
        reason: `fault injection: ${abort.percent}% aborted`,
      });
    if (!pick)
      return answerAt(ref, {
        kind: 'unavailable',
        status: 503,
        reason: 'no weight',
        message: `${path}: every destination has weight 0`,
      });
    const t = targets[pick(random)]!;
    if (t.missing)
      return answerAt(ref, {
        kind: 'unavailable',
        status: 503,
        reason: 'no subset',
        message: `subset '${t.subset}' of ${t.host} is not defined in any DestinationRule`,
        destination: t.destination,
      });
    const out = routeToTarget(
      ref,
      t,
      options,
      () => `${t.host}${t.subset ? ` subset ${t.subset}` : ''} has no ready endpoints`,
    );
    if (out.kind !== 'route') return out;
    const setCookie = cookies[t.index];
    return {
      ...out,
      ...(mirrors.length > 0 ? { mirrors } : {}),
      ...(setCookie !== undefined ? { setCookie } : {}),
    };
  };
}
