/** A kind the watch cache follows, at the version the server serves. */
export interface WatchedResource {
  /** Stable name used in the cache (`virtualservices`, `deployments`). */
  key: WatchedKey;
  group: string;
  version: string;
  plural: string;
  kind: string;
  /**
   * Watched only where the user may list it; a 403 leaves it out instead of narrowing the
   * namespaces watched (ReferenceGrants: roles that grant HTTPRoutes often do not grant them).
   */
  optional?: true;
}

export type WatchedKey =
  | 'virtualservices'
  | 'destinationrules'
  | 'httproutes'
  | 'referencegrants'
  | 'services'
  | 'deployments'
  | 'replicasets'
  | 'pods';

export const ISTIO_GROUP = 'networking.istio.io';
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Preferred first: the newest stable version the server serves is the one we watch. */
export const ISTIO_VERSION_PREFERENCE = ['v1', 'v1beta1', 'v1alpha3'] as const;
export const GATEWAY_VERSION_PREFERENCE = ['v1', 'v1beta1'] as const;
/**
 * ReferenceGrant is v1beta1 in every Gateway API release (v1 only in the newest): a group serving
 * v1 for HTTPRoutes may serve it at v1beta1 alone.
 */
export const REFERENCE_GRANT_VERSION_PREFERENCE = ['v1beta1', 'v1'] as const;

export const coreResources: WatchedResource[] = [
  { key: 'services', group: '', version: 'v1', plural: 'services', kind: 'Service' },
  { key: 'deployments', group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  { key: 'replicasets', group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet' },
  { key: 'pods', group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
];

/**
 * The mesh kinds at the versions this server serves (from discovery), then the built-in ones.
 * A kind the server does not serve is left out: a cluster without Gateway API still works.
 */
export function watchedResources(
  istioVersions: readonly string[],
  gatewayVersions: readonly string[],
): WatchedResource[] {
  const out: WatchedResource[] = [];
  const istio = ISTIO_VERSION_PREFERENCE.find((v) => istioVersions.includes(v));
  if (istio) {
    out.push({
      key: 'virtualservices',
      group: ISTIO_GROUP,
      version: istio,
      plural: 'virtualservices',
      kind: 'VirtualService',
    });
    out.push({
      key: 'destinationrules',
      group: ISTIO_GROUP,
      version: istio,
      plural: 'destinationrules',
      kind: 'DestinationRule',
    });
  }
  const gateway = GATEWAY_VERSION_PREFERENCE.find((v) => gatewayVersions.includes(v));
  if (gateway)
    out.push({
      key: 'httproutes',
      group: GATEWAY_GROUP,
      version: gateway,
      plural: 'httproutes',
      kind: 'HTTPRoute',
    });
  // The grants that let an HTTPRoute send to a Service in another namespace (a handful per cluster).
  const grants = REFERENCE_GRANT_VERSION_PREFERENCE.find((v) => gatewayVersions.includes(v));
  if (gateway && grants)
    out.push({
      key: 'referencegrants',
      group: GATEWAY_GROUP,
      version: grants,
      plural: 'referencegrants',
      kind: 'ReferenceGrant',
      optional: true,
    });
  return [...out, ...coreResources];
}

/** The collection path for all namespaces, or for one. */
export function collectionPath(
  r: Pick<WatchedResource, 'group' | 'version' | 'plural'>,
  namespace?: string,
): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return namespace === undefined
    ? `${base}/${r.plural}`
    : `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`;
}
