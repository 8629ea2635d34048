// Discovery documents: /version, /api, /apis and each group-version, in both the classic
// (APIGroupList/APIResourceList) and the aggregated (apidiscovery.k8s.io/v2) forms.
import type { ServedResource } from '../store/resource-types.ts';
import { groupVersions, servedResources } from '../store/resource-types.ts';

export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const aggregatedDiscoveryType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return /g=apidiscovery\.k8s\.io;\s*v=v2;\s*as=APIGroupDiscoveryList/.test(accept ?? '');
}

const address = [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }];

function resourcesOf(group: string, version: string): ServedResource[] {
  return servedResources.filter((r) => r.group === group && r.version === version);
}

function subresourceKind(r: ServedResource, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  return { group: r.group, version: r.version, kind: r.kind };
}

export function apiVersions() {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: address };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions()
      .filter((g) => g.group !== '')
      .map(({ group, versions }) => apiGroup(group, versions)),
  };
}

function apiGroup(group: string, versions: string[]) {
  const list = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupFor(group: string) {
  const g = groupVersions().find((x) => x.group === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, g.versions) } : undefined;
}

export function apiResourceList(group: string, version: string) {
  const resources = resourcesOf(group, version);
  if (resources.length === 0) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of resources) {
    const entry: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length > 0) entry.shortNames = r.shortNames;
    if (r.categories.length > 0) entry.categories = r.categories;
    out.push(entry);
    for (const sub of r.subresources ?? []) {
      const k = subresourceKind(r, sub);
      const s: Record<string, unknown> = {
        name: `${r.resource}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: k.kind,
        verbs: ['get', 'patch', 'update'],
      };
      if (k.group !== r.group) {
        s.group = k.group;
        s.version = k.version;
      }
      out.push(s);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: out,
  };
}

/** The aggregated discovery document for `/api` (legacy: true) or `/apis`. */
export function aggregatedDiscovery(legacy: boolean) {
  const items = groupVersions()
    .filter((g) => (g.group === '') === legacy)
    .map(({ group, versions }) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: versions.map((version) => ({
        version,
        resources: resourcesOf(group, version).map((r) => {
          const entry: Record<string, unknown> = {
            resource: r.resource,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: r.verbs,
          };
          if (r.shortNames.length > 0) entry.shortNames = r.shortNames;
          if (r.categories.length > 0) entry.categories = r.categories;
          if (r.subresources) {
            entry.subresources = r.subresources.map((sub) => ({
              subresource: sub,
              responseKind: subresourceKind(r, sub),
              verbs: ['get', 'patch', 'update'],
            }));
          }
          return entry;
        }),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
