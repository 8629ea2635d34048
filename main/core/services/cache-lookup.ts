import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { PlanTarget } from '../../../shared/mesh/plan/index.ts';
import type { WatchedKey } from '../cluster/cluster-resources.ts';
import type { ReleaseIndex } from '../cluster/release-index.ts';
import type { ObjectRef, WatchCache } from '../cluster/watch-cache.ts';
import type { ObjectLookup } from '../views/release-views.ts';
import { namespacePods } from './namespace-pods.ts';

const KEYS: Record<string, WatchedKey> = {
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  HTTPRoute: 'httproutes',
  ReferenceGrant: 'referencegrants',
  Service: 'services',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Pod: 'pods',
};

export function watchedKeyOf(kind: string): WatchedKey | undefined {
  return KEYS[kind];
}

export function refOf(target: Pick<PlanTarget, 'kind' | 'namespace' | 'name'>): ObjectRef | undefined {
  const resource = watchedKeyOf(target.kind);
  return resource ? { resource, namespace: target.namespace, name: target.name } : undefined;
}

/** Looks objects up in the watch cache; pods are grouped by namespace once per lookup. */
export function cacheLookup(
  cache: Pick<WatchCache, 'find' | 'list'> & Partial<Pick<WatchCache, 'onChange' | 'streams' | 'synced'>>,
  namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined,
  index?: Pick<ReleaseIndex, 'routesClaiming'>,
): ObjectLookup {
  let podsByNs: Map<string, KubeObject[]> | undefined;
  return {
    find(kind, namespace, name) {
      const resource = watchedKeyOf(kind);
      return resource ? cache.find({ resource, namespace, name }) : undefined;
    },
    pods(namespace) {
      // A session's cache keeps its pods by namespace; a bare cache (tests, snapshots) groups here.
      if (cache.onChange) return namespacePods(cache as Pick<WatchCache, 'list' | 'onChange'>)(namespace);
      if (!podsByNs) {
        podsByNs = new Map();
        for (const p of cache.list('pods')) {
          const ns = p.metadata.namespace || 'default';
          const list = podsByNs.get(ns);
          if (list) list.push(p);
          else podsByNs.set(ns, [p]);
        }
      }
      return podsByNs.get(namespace) ?? [];
    },
    watchesServices(namespace) {
      // A session's cache lists Services per watched scope (all namespaces, or each one named).
      if (!cache.streams || !cache.synced) return false;
      return cache
        .streams()
        .some(
          (st) => st.resource === 'services' && (st.namespace === undefined || st.namespace === namespace),
        );
    },
    routes() {
      return [...cache.list('virtualservices'), ...cache.list('httproutes')];
    },
    ...(namespaceLabels ? { namespaceLabels } : {}),
    ...(index ? { routesClaiming: (hosts: Iterable<string>) => index.routesClaiming(hosts) } : {}),
  };
}
