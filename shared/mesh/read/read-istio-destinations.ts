// The DestinationRule, the catch-all split and the mirrors of one VirtualService, while reading it
// into a ServiceRelease.

import type {
  DefaultRoute,
  DestinationRule,
  HTTPRouteDestination,
  KubeObject,
  MirrorTarget,
  ReleaseVersion,
} from '../model/index.ts';
import { isPlainObject, istioDestinationWeights } from '../model/index.ts';
import { destinationProblem } from './read-istio-checks.ts';
import { destinationPath, destinationPointer } from './read-istio-pointers.ts';
import type { HostResolver, RoutedDestination, VersionNaming } from './versions.ts';

export function nsOf(o: KubeObject): string {
  return o.metadata.namespace || 'default';
}

/** The host as the route writes it, for the versions of one resolved host. */
export function hostWritten(
  fqdn: string,
  dests: readonly RoutedDestination[],
  hosts: readonly string[],
): string {
  return dests.find((d) => d.fqdn === fqdn)?.host ?? hosts[0] ?? fqdn;
}

/** The DestinationRule for a host (the one in the VirtualService's namespace first), or undefined. */
export function chooseDestinationRule(
  candidates: readonly DestinationRule[] | undefined,
  ns: string,
  fqdn: string,
  reasons: string[],
): DestinationRule | undefined {
  if (!candidates || candidates.length === 0) return undefined;
  if (candidates.length === 1) return candidates[0];
  const local = candidates.filter((d) => nsOf(d) === ns);
  const chosen = local.length > 0 ? local : candidates;
  if (chosen.length > 1) {
    const names = chosen.map((d) => `${nsOf(d)}/${d.metadata.name}`).join(', ');
    reasons.push(`several DestinationRules (${names}) declare host ${fqdn}; cannot tell which subsets apply`);
  }
  return chosen[0];
}

export function readDefaultSplit(
  dr: DefaultRoute,
  rds: HTTPRouteDestination[],
  naming: VersionNaming,
  reasons: string[],
): void {
  const raw: Array<number | undefined> = [];
  rds.forEach((rd, j) => {
    const where = destinationPath(dr.index, j);
    const problem = destinationProblem(rd, where);
    if (problem) reasons.push(problem);
    const w = isPlainObject(rd) ? rd.weight : undefined;
    raw.push(typeof w === 'number' ? w : undefined);
    dr.destinations.push({
      version: naming.versionOf(rd) ?? `#${j}`,
      rawWeight: typeof w === 'number' ? w : undefined,
      weight: 0,
      pointer: destinationPointer(dr.index, j),
    });
  });
  percentsOf(raw).forEach((p, j) => {
    const d = dr.destinations[j];
    if (d) d.weight = p;
  });
  for (let i = 0; i < dr.destinations.length; i++) {
    const v = dr.destinations[i]!.version;
    let repeated = false;
    for (let k = 0; k < i && !repeated; k++) repeated = dr.destinations[k]!.version === v;
    if (repeated) reasons.push(`the catch-all route lists version '${v}' twice`);
  }
}

/**
 * Percentages of the catch-all's destinations. Weights that are already whole numbers summing to
 * 100 (nearly every real split) are their own percentages; only the rest needs the rounding math.
 */
function percentsOf(raw: ReadonlyArray<number | undefined>): number[] {
  if (raw.length > 1) {
    const percents: number[] = [];
    let sum = 0;
    for (const w of raw) {
      if (w === undefined || !Number.isInteger(w) || w < 0) break;
      sum += w;
      percents.push(w === 0 ? 0 : w); // never -0: the rounding math answers 0
    }
    if (percents.length === raw.length && sum === 100) return percents;
  }
  return istioDestinationWeights(raw.map((w) => (w === undefined ? {} : { weight: w })));
}

export function addMirror(
  mirrors: MirrorTarget[],
  versions: readonly ReleaseVersion[],
  ns: string,
  resolver: HostResolver,
  routeIndex: number,
  d: unknown,
  pct: unknown,
): void {
  if (!isPlainObject(d) || typeof d.host !== 'string') return;
  const subset = typeof d.subset === 'string' ? d.subset : undefined;
  const v = versions.find((x) => x.fqdn === resolver.resolve(d.host as string, ns) && x.subset === subset);
  mirrors.push({
    routeIndex,
    host: d.host,
    ...(subset !== undefined ? { subset } : {}),
    ...(v ? { version: v.name } : {}),
    percentage: isPlainObject(pct) && typeof pct.value === 'number' ? pct.value : 100,
  });
}
