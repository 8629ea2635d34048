import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { CacheChange, WatchCache } from '../cluster/watch-cache.ts';

// A session's pods by namespace, kept up to date from the watch cache's changes: a release view
// asks for its namespace's pods, and grouping every pod of the cache for each view (each lookup)
// cost ~15-25 ms per view at 50,000 services, on every release.changed.

type PodSource = Pick<WatchCache, 'list' | 'onChange'>;

const kept = new WeakMap<PodSource, (namespace: string) => readonly KubeObject[]>();

const nsOf = (o: KubeObject) => o.metadata.namespace || 'default';

/** The pods of a namespace, in the cache's order, from an index made at the first call. */
export function namespacePods(cache: PodSource): (namespace: string) => readonly KubeObject[] {
  const known = kept.get(cache);
  if (known) return known;
  const byNs = new Map<string, Map<string, KubeObject>>();
  /** Each namespace's list as last handed out, until one of its pods changes. */
  const lists = new Map<string, readonly KubeObject[]>();
  const put = (p: KubeObject) => {
    const ns = nsOf(p);
    lists.delete(ns);
    let pods = byNs.get(ns);
    if (!pods) {
      pods = new Map();
      byNs.set(ns, pods);
    }
    pods.set(p.metadata.name, p);
  };
  const drop = (p: KubeObject) => {
    lists.delete(nsOf(p));
    const pods = byNs.get(nsOf(p));
    pods?.delete(p.metadata.name);
    if (pods?.size === 0) byNs.delete(nsOf(p));
  };
  cache.onChange((changes: readonly CacheChange[]) => {
    for (const c of changes) {
      if (c.resource !== 'pods') continue;
      // An update keeps the pod's place, as the cache does (pods keep their name and namespace).
      if (c.type === 'upsert') put(c.object);
      else drop(c.object);
    }
  });
  for (const p of cache.list('pods')) put(p);
  const read = (namespace: string) => {
    let list = lists.get(namespace);
    if (!list) {
      list = [...(byNs.get(namespace)?.values() ?? [])];
      lists.set(namespace, list);
    }
    return list;
  };
  kept.set(cache, read);
  return read;
}
