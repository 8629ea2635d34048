// Why a VirtualService (or one of its routes) cannot be edited as a release: shared hosts, routes
// that do not carry weighted traffic, destinations with fields Istio does not define, and a broken
// disabled-rules annotation. Each answer is a read-only reason or an "other route" reason.

import type { DisabledRule, IstioHTTPRoute, VirtualService } from '../model/index.ts';
import { DISABLED_RULES_ANNOTATION, isPlainObject } from '../model/index.ts';
import type { HostResolver } from './versions.ts';

const ROUTE_DESTINATION_KEYS = new Set(['destination', 'weight', 'headers']);
const DESTINATION_KEYS = new Set(['host', 'subset', 'port']);

export function readSharedHosts(
  vs: VirtualService,
  hosts: readonly string[],
  ns: string,
  claims: Map<string, VirtualService[]>,
  resolver: HostResolver,
  reasons: string[],
): void {
  for (const h of hosts) {
    const claimed = claims.get(`${ns}/${resolver.resolve(h, ns)}`);
    if (claimed && claimed.length > 1) {
      const others = claimed.filter((o) => o !== vs);
      const names = [vs.metadata.name, ...others.map((o) => o.metadata.name)].sort().join(', ');
      if (others.length > 0) {
        reasons.push(
          `several VirtualServices (${names}) in ${ns} declare host ${h}; Istio merges them only on gateways`,
        );
      }
    }
  }
}

/** Why a route cannot carry weighted traffic (redirect, direct response, no destinations), or null. */
export function unroutable(rt: IstioHTTPRoute): string | null {
  if (rt.redirect !== undefined) return 'redirects instead of routing';
  if (rt.directResponse !== undefined) return 'answers directly instead of routing';
  if (!Array.isArray(rt.route) || rt.route.length === 0) return 'has no destinations';
  return null;
}

/** Why a matched route is not one content rule ("these requests go to version X"), or null. */
export function ruleProblem(rt: IstioHTTPRoute): string | null {
  const route = rt.route ?? [];
  if (route.length !== 1) return 'splits matched requests across several destinations';
  const only = route[0];
  if (destinationProblem(only, 'route')) return 'its destination has fields Istio does not define';
  const w = isPlainObject(only) ? only.weight : undefined;
  if (w !== undefined && w !== 100) return `its only destination has weight ${String(w)}, not 100`;
  return null;
}

export function destinationProblem(rd: unknown, where: string): string | null {
  if (!isPlainObject(rd)) return `${where} is not a mapping`;
  // for…in with hasOwn visits the keys Object.keys would, in the same order, without an array.
  for (const k in rd) {
    if (Object.hasOwn(rd, k) && !ROUTE_DESTINATION_KEYS.has(k))
      return `${where} has a field '${k}' Istio does not define`;
  }
  if (
    rd.weight !== undefined &&
    (typeof rd.weight !== 'number' || !Number.isInteger(rd.weight) || rd.weight < 0)
  ) {
    return `${where}.weight is not a whole number`;
  }
  if (!isPlainObject(rd.destination)) return `${where}.destination is missing`;
  if (typeof rd.destination.host !== 'string') return `${where}.destination.host is missing`;
  for (const k in rd.destination) {
    if (Object.hasOwn(rd.destination, k) && !DESTINATION_KEYS.has(k))
      return `${where}.destination has a field '${k}' Istio does not define`;
  }
  return null;
}

export function readDisabledRules(vs: VirtualService, reasons: string[]): DisabledRule[] {
  const text = vs.metadata.annotations?.[DISABLED_RULES_ANNOTATION];
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    reasons.push(`annotation ${DISABLED_RULES_ANNOTATION} is not valid JSON; fix or remove it first`);
    return [];
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.every(
      (d) =>
        isPlainObject(d) &&
        typeof d.position === 'number' &&
        typeof d.version === 'string' &&
        isPlainObject(d.route),
    );
  if (!ok) {
    reasons.push(`annotation ${DISABLED_RULES_ANNOTATION} must be a JSON list of {position, version, route}`);
    return [];
  }
  return (parsed as Array<Omit<DisabledRule, 'id'>>).map((d, i) => ({ ...d, id: `disabled:${i}` }));
}
