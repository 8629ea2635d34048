// One service across a fleet of clusters: each cluster's ServiceRelease of the same namespace and
// host matched up, summarised (versions, the catch-all split, the content rules) and compared.
// Pure: imports only shared/mesh/model.

import type { HTTPMatchRequest, ServiceRelease, TrafficSplit } from '../mesh/model/index.ts';

/** What one cluster's release index holds: its name (a kubeconfig context or a cluster name) and its releases. */
export interface ClusterReleases {
  cluster: string;
  releases: readonly ServiceRelease[];
}

/** A content rule in the fleet's terms: the version it routes to and its matches in words. */
export interface FleetRuleSummary {
  name?: string;
  version: string;
  /** The rule's matches (ORed) in words, e.g. `headers.end-user exact "jason"`. */
  match: string;
}

/** One cluster's release of the service, reduced to what a fleet compares. */
export interface ClusterServiceSummary {
  cluster: string;
  /** The release's id in that cluster (`istio:bookinfo/reviews.bookinfo.svc.cluster.local`). */
  releaseId: string;
  /** Version names in the release's order. */
  versions: string[];
  /** The catch-all split in destination order; null when the release has no catch-all route. */
  split: TrafficSplit | null;
  /** Content rules in routing order (first match wins). */
  rules: FleetRuleSummary[];
}

/** One service (namespace + host FQDN) across the fleet. */
export interface FleetService {
  /** `<namespace>/<host>`. */
  key: string;
  namespace: string;
  host: string;
  /** The clusters that have the service, in the order the clusters were given. */
  clusters: ClusterServiceSummary[];
  /** The clusters given that do not have it, in the order given. */
  missingFrom: string[];
}

/** `<namespace>/<host>`: how one service is matched across clusters. */
export function fleetServiceKey(r: Pick<ServiceRelease, 'namespace' | 'host'>): string {
  return `${r.namespace}/${r.host}`;
}

/** JSON with object keys sorted, so equal values read the same whatever order their keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function matchWords(m: HTTPMatchRequest): string {
  const parts: string[] = [];
  for (const key of Object.keys(m).sort()) {
    if (key === 'name') continue;
    const value = m[key];
    if (value === undefined) continue;
    if (key === 'headers' || key === 'queryParams' || key === 'withoutHeaders') {
      for (const [field, sm] of Object.entries(value as Record<string, Record<string, unknown>>).sort(
        ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0),
      )) {
        const [op, arg] = Object.entries(sm ?? {})[0] ?? ['present', ''];
        parts.push(`${key}.${field} ${op} ${JSON.stringify(arg)}`);
      }
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>);
      const [op, arg] = entries[0] ?? ['', ''];
      parts.push(
        ['uri', 'scheme', 'method', 'authority'].includes(key)
          ? `${key} ${op} ${JSON.stringify(arg)}`
          : `${key} ${canonicalJson(value)}`,
      );
    } else parts.push(`${key} ${canonicalJson(value)}`);
  }
  return parts.length ? parts.join(' and ') : 'every request';
}

/** A rule's matches in words: each match's conditions ANDed, the matches ORed. */
export function ruleMatchWords(matches: readonly HTTPMatchRequest[]): string {
  return matches.length ? matches.map(matchWords).join(' or ') : 'every request';
}

/** One cluster's release reduced to versions, the catch-all split and the content rules. */
export function summariseRelease(cluster: string, release: ServiceRelease): ClusterServiceSummary {
  return {
    cluster,
    releaseId: release.id,
    versions: release.versions.map((v) => v.name),
    split: release.defaultRoute
      ? release.defaultRoute.destinations.map((d) => ({ version: d.version, weight: d.weight }))
      : null,
    rules: release.rules.map((r) => ({
      ...(r.name !== undefined ? { name: r.name } : {}),
      version: r.version,
      match: ruleMatchWords(r.matches),
    })),
  };
}

/**
 * Every service of the fleet, matched by namespace and host, sorted by key. When one cluster holds
 * two releases of the same namespace and host (a VirtualService and an HTTPRoute), the one with the
 * smaller id is taken (`gateway-api:` sorts before `istio:`), so the choice never depends on order.
 */
export function matchFleetServices(fleet: readonly ClusterReleases[]): FleetService[] {
  const seen = new Set<string>();
  for (const c of fleet) {
    if (seen.has(c.cluster)) throw new Error(`matchFleetServices: cluster '${c.cluster}' is given twice`);
    seen.add(c.cluster);
  }
  const byKey = new Map<
    string,
    { namespace: string; host: string; perCluster: Map<string, ServiceRelease> }
  >();
  for (const c of fleet) {
    for (const r of c.releases) {
      const key = fleetServiceKey(r);
      let entry = byKey.get(key);
      if (!entry) {
        entry = { namespace: r.namespace, host: r.host, perCluster: new Map() };
        byKey.set(key, entry);
      }
      const held = entry.perCluster.get(c.cluster);
      if (!held || r.id < held.id) entry.perCluster.set(c.cluster, r);
    }
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, e]) => ({
      key,
      namespace: e.namespace,
      host: e.host,
      clusters: fleet.flatMap((c) => {
        const r = e.perCluster.get(c.cluster);
        return r ? [summariseRelease(c.cluster, r)] : [];
      }),
      missingFrom: fleet.filter((c) => !e.perCluster.has(c.cluster)).map((c) => c.cluster),
    }));
}

/** The catch-all split in words: `v1 80%, v2 10%, v3 10%`, or `no catch-all route`. */
export function splitWords(split: TrafficSplit | null): string {
  if (!split) return 'no catch-all route';
  return split.map((s) => `${s.version} ${s.weight}%`).join(', ') || 'no destinations';
}

/** The content rules in words, in order: `jason-on-v2: headers.end-user exact "jason" → v2; …`. */
export function rulesWords(rules: readonly FleetRuleSummary[]): string {
  if (!rules.length) return 'no content rules';
  return rules.map((r, i) => `${r.name ?? `rule ${i + 1}`}: ${r.match} → ${r.version}`).join('; ');
}

/** What is compared: the split as traffic (order and 0% shares do not matter); rules in order, names aside. */
export function splitKey(split: TrafficSplit | null): string {
  if (!split) return 'none';
  return split
    .filter((s) => s.weight > 0)
    .map((s) => `${s.version}=${s.weight}`)
    .sort()
    .join(',');
}

export function rulesKey(rules: readonly FleetRuleSummary[]): string {
  return rules.map((r) => `${r.match}→${r.version}`).join('\n');
}

export function versionsKey(versions: readonly string[]): string {
  return [...new Set(versions)].sort().join(',');
}
