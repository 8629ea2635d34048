import type { ServiceRelease } from '../../shared/mesh/model/index.ts';

export interface ReleaseShape {
  namespace?: string;
  host?: string;
  versions: string[];
  /** The catch-all split; null for no catch-all route. */
  split: Array<[string, number]> | null;
  /** Content rules in order: [header value of `end-user`, version]. */
  rules?: Array<[string, string]>;
  flavor?: 'istio' | 'gateway-api';
}

/** A ServiceRelease with just what the fleet model reads (and valid placeholders for the rest). */
export function release(shape: ReleaseShape): ServiceRelease {
  const namespace = shape.namespace ?? 'bookinfo';
  const host = shape.host ?? `reviews.${namespace}.svc.cluster.local`;
  const flavor = shape.flavor ?? 'istio';
  const short = host.split('.')[0] ?? host;
  const route = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace, name: short };
  return {
    id: `${flavor}:${namespace}/${host}`,
    flavor,
    namespace,
    host,
    hosts: [short],
    versions: shape.versions.map((name) => ({
      name,
      host: short,
      fqdn: host,
      subset: name,
      labels: { version: name },
      origin: 'subset',
      declared: true,
      deployments: [`${short}-${name}`],
    })),
    defaultRoute: shape.split
      ? {
          index: (shape.rules ?? []).length,
          name: 'default',
          pointer: `/spec/http/${(shape.rules ?? []).length}`,
          destinations: shape.split.map(([version, weight], i) => ({
            version,
            rawWeight: weight,
            weight,
            pointer: `/spec/http/${(shape.rules ?? []).length}/route/${i}`,
          })),
        }
      : null,
    rules: (shape.rules ?? []).map(([user, version], index) => ({
      id: `http:${index}`,
      index,
      name: `${user}-on-${version}`,
      pointer: `/spec/http/${index}`,
      matches: [{ headers: { 'end-user': { exact: user } } }],
      version,
    })),
    disabledRules: [],
    otherRoutes: [],
    mirrors: [],
    route,
    sources: [route],
    editable: true,
    readOnlyReasons: [],
  };
}
