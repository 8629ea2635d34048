// Lint checks of the subsets a VirtualService routes to (route, mirror, mirrors): each must be one
// that a DestinationRule for its host defines (SY110), and that DestinationRule must be in the input (SY111).

import type { Destination, DestinationRule } from '../model/index.ts';
import { hostMatches } from '../model/index.ts';
import type { HostNames } from './lint-objects.ts';
import type { RawFinding } from './lint-types.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

/**
 * The subsets each host's DestinationRules define, built once per lint run. Lookups are cached per
 * host: a host's DestinationRule is consulted by every route that names one of its subsets.
 */
export class SubsetIndex {
  private readonly byHost = new Map<string, { names: string[]; set?: ReadonlySet<string> }>();
  private readonly wildcards: Array<{ host: string; subsets: string[] }> = [];
  /** Answers for hosts no DestinationRule names exactly (wildcard rules, or none). */
  private readonly otherHosts = new Map<string, ReadonlySet<string> | null>();

  constructor(rules: readonly DestinationRule[], hostNames: HostNames) {
    for (let r = 0; r < rules.length; r++) {
      const dr = rules[r]!;
      if (!isRecord(dr.spec) || typeof dr.spec.host !== 'string') continue;
      const host = hostNames.canonical(dr.spec.host, dr.metadata?.namespace);
      const subsets: string[] = [];
      for (const s of Array.isArray(dr.spec.subsets) ? dr.spec.subsets : [])
        if (isRecord(s) && typeof s.name === 'string') subsets.push(s.name);
      const known = this.byHost.get(host);
      if (known) known.names.push(...subsets);
      else this.byHost.set(host, { names: subsets.slice() });
      if (host.startsWith('*')) this.wildcards.push({ host, subsets });
    }
  }

  /** The subsets defined for a canonical host (wildcard rules when none names it exactly), or null. */
  lookup(host: string): ReadonlySet<string> | null {
    const exact = this.byHost.get(host);
    if (exact) {
      exact.set ??= new Set(exact.names);
      return exact.set;
    }
    let answer = this.otherHosts.get(host);
    if (answer === undefined) {
      const chosen = this.wildcards.filter((e) => hostMatches(e.host, host));
      answer = chosen.length === 0 ? null : new Set(chosen.flatMap((e) => e.subsets));
      this.otherHosts.set(host, answer);
    }
    return answer;
  }
}

/**
 * Subsets of every destination of one route (route, mirror, mirrors), in that order. Paths are
 * built only for findings: most destinations name a subset their DestinationRule defines.
 */
export function lintRouteSubsets(
  route: Record<string, unknown>,
  routePath: string,
  scope: RouteLintScope,
  out: RawFinding[],
): void {
  if (Array.isArray(route.route))
    route.route.forEach((r, i) => {
      lintSubset(isRecord(r) ? r.destination : null, scope, out, routePath, '.route', i);
    });
  lintSubset(route.mirror, scope, out, routePath, '.mirror', -1);
  if (Array.isArray(route.mirrors))
    route.mirrors.forEach((m, i) => {
      lintSubset(isRecord(m) ? m.destination : null, scope, out, routePath, '.mirrors', i);
    });
}

/** What checking one VirtualService's destinations needs: built once per lint run, and its namespace. */
export interface RouteLintScope {
  subsets: SubsetIndex;
  hostNames: HostNames;
  namespace: string | undefined;
}

function lintSubset(
  d: unknown,
  scope: RouteLintScope,
  out: RawFinding[],
  routePath: string,
  field: '.route' | '.mirror' | '.mirrors',
  i: number,
): void {
  if (!isRecord(d) || typeof d.host !== 'string') return;
  const dest = d as unknown as Destination;
  if (typeof dest.subset !== 'string' || dest.subset === '') return;
  const known = scope.subsets.lookup(scope.hostNames.canonical(dest.host, scope.namespace));
  if (known?.has(dest.subset)) return;
  const path = i < 0 ? `${routePath}${field}` : `${routePath}${field}[${i}].destination`;
  if (known === null)
    out.push({
      code: 'SY111',
      path: `${path}.subset`,
      message: `routes to subset '${dest.subset}' of ${dest.host}, but no DestinationRule for that host is in the input`,
      hint: `lint the DestinationRule for ${dest.host} together with this VirtualService`,
    });
  else
    out.push({
      code: 'SY110',
      path: `${path}.subset`,
      message: `routes to subset '${dest.subset}', which the DestinationRule for ${dest.host} does not define (it has ${[...known].join(', ') || 'none'})`,
      hint: `add subset '${dest.subset}' to the DestinationRule before routing to it, or route to a defined subset; requests get 503 meanwhile`,
    });
}
