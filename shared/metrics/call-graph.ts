// Who calls a service and whom it calls, from the mesh's own request metrics (source_workload →
// destination_service), and what that means for its content rules: a header rule only sees the
// header when every caller forwards it, so a rule on a service that is not an entry point depends
// on the callers' code; and the same rule on the services it calls keeps a request on one version
// along the whole path (full-link grayscale).

import type { HTTPMatchRequest } from '../mesh/model/index.ts';

/** Requests per second from one calling workload (source_workload, source_workload_namespace). */
export interface CallerRate {
  workload: string;
  namespace: string;
  rps: number;
}

/** Requests per second from the service's workloads to one destination service (a host). */
export interface CalleeRate {
  host: string;
  rps: number;
}

/** A release of a called service, as far as offering it the same rule needs. */
export interface CalleeRelease {
  releaseId: string;
  host: string;
  /** Versions that can take traffic there (declared). */
  versions: string[];
  editable: boolean;
}

export type EntryKind = 'entry' | 'internal' | 'idle';

export interface CallerVerdict {
  kind: EntryKind;
  /** Requests per second arriving from a gateway or from outside the mesh. */
  edgeRps: number;
  /** Requests per second from workloads inside the mesh. */
  meshRps: number;
  callers: Array<CallerRate & { edge: boolean }>;
}

export interface DownstreamOffer {
  host: string;
  rps: number;
  releaseId?: string;
  versions: string[];
  /** Versions the rules route to that exist there too: the same rule can keep requests on them. */
  sameVersions: string[];
  /** Why the same rule cannot be added there (no routing of its own, read-only). */
  blocked?: string;
}

/** Rates below this (about one request in 17 minutes) are noise of a rate() window, not a caller. */
export const MIN_RPS = 0.001;

/**
 * A caller at the mesh's edge: an ingress or egress gateway, or a client outside the mesh (no
 * sidecar to name it, so the destination proxy reports `unknown`).
 */
export function isEdgeCaller(c: Pick<CallerRate, 'workload' | 'namespace'>): boolean {
  return c.workload === 'unknown' || c.workload === '' || /gateway/i.test(c.workload);
}

/** Whether requests reach the service from the edge (an entry point), only from the mesh, or not at all. */
export function judgeCallers(callers: readonly CallerRate[]): CallerVerdict {
  const seen = callers
    .filter((c) => Number.isFinite(c.rps) && c.rps >= MIN_RPS)
    .map((c) => ({ ...c, edge: isEdgeCaller(c) }))
    .sort((a, b) => b.rps - a.rps || a.workload.localeCompare(b.workload));
  const edgeRps = seen.filter((c) => c.edge).reduce((s, c) => s + c.rps, 0);
  const meshRps = seen.filter((c) => !c.edge).reduce((s, c) => s + c.rps, 0);
  const kind: EntryKind = seen.length === 0 ? 'idle' : edgeRps > 0 ? 'entry' : 'internal';
  return { kind, edgeRps, meshRps, callers: seen };
}

/** The request headers (lower case) the rules read: what a caller must pass on for them to match. */
export function headersRead(rules: ReadonlyArray<{ matches: readonly HTTPMatchRequest[] }>): string[] {
  const names = new Set<string>();
  for (const r of rules)
    for (const m of r.matches) for (const name of Object.keys(m.headers ?? {})) names.add(name.toLowerCase());
  return [...names].sort();
}

/** The called services, each with the versions the rules route to that exist there as well. */
export function downstreamOffers(
  ruleVersions: readonly string[],
  callees: readonly CalleeRate[],
  releases: readonly CalleeRelease[],
  selfHosts: readonly string[],
): DownstreamOffer[] {
  const wanted = new Set(ruleVersions);
  return callees
    .filter((c) => !selfHosts.includes(c.host) && Number.isFinite(c.rps) && c.rps >= MIN_RPS)
    .sort((a, b) => b.rps - a.rps || a.host.localeCompare(b.host))
    .map((c) => {
      const r = releases.find((x) => x.host === c.host);
      if (!r)
        return {
          host: c.host,
          rps: c.rps,
          versions: [],
          sameVersions: [],
          blocked: 'no route of its own to add a rule to',
        };
      const sameVersions = r.versions.filter((v) => wanted.has(v));
      return {
        host: c.host,
        rps: c.rps,
        releaseId: r.releaseId,
        versions: [...r.versions],
        sameVersions,
        ...(r.editable ? {} : { blocked: 'its routing is read-only here' }),
      };
    });
}

/**
 * A downstream copy of a content rule: only the header conditions travel with a request from
 * service to service (a path, a query or a gateway match belongs to the first hop).
 */
export function downstreamMatches(matches: readonly HTTPMatchRequest[]): HTTPMatchRequest[] {
  const out: HTTPMatchRequest[] = [];
  for (const m of matches)
    if (m.headers && Object.keys(m.headers).length > 0) out.push({ headers: { ...m.headers } });
  return out;
}

/** The verdict in words, for the rules editor. */
export function describeCallers(service: string, v: CallerVerdict, headers: readonly string[]): string {
  if (v.kind === 'idle')
    return `No requests reached ${service} in the window: its callers are not known yet.`;
  const mesh = v.callers.filter((c) => !c.edge).map((c) => c.workload);
  if (v.kind === 'entry')
    return mesh.length === 0
      ? `${service} is an entry point: its requests come from the mesh's edge, so its rules see the clients' own headers.`
      : `${service} is an entry point and is also called by ${mesh.join(', ')}; requests from those reach its rules only with the headers they forward.`;
  const what = headers.length
    ? `the ${headers.join(', ')} header${headers.length > 1 ? 's' : ''}`
    : 'the headers its rules read';
  return `${service} is not an entry point: every request comes from ${mesh.join(', ')}. Its content rules match only if ${mesh.length > 1 ? 'those services forward' : 'that service forwards'} ${what} from the request it received.`;
}
