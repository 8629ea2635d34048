import type { ServiceSummary } from '../../../shared/api/console-schemas.ts';

// The service list kept sorted under deltas. At 50,000 services a full sort per `services.changed`
// batch cost tens of milliseconds each, and a sync sends many batches: a delta is now merged into
// the sorted list in one linear pass (plus a sort of the delta itself).

/** Namespace, then name, then id: a total order, so the same set always lists the same way. */
export function serviceOrder(a: ServiceSummary, b: ServiceSummary): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.releaseId !== b.releaseId) return a.releaseId < b.releaseId ? -1 : 1;
  return 0;
}

export interface SortedServices {
  byId: Map<string, ServiceSummary>;
  /** Sorted by `serviceOrder`. */
  list: ServiceSummary[];
  /** Sorted, each once; the same array while the set of namespaces does not change. */
  namespaces: string[];
  /** Services per namespace, to keep `namespaces` without a pass over the list. */
  namespaceCounts: Map<string, number>;
}

export function sortedServices(services: Iterable<ServiceSummary>): SortedServices {
  const byId = new Map<string, ServiceSummary>();
  for (const s of services) byId.set(s.releaseId, s);
  const list = [...byId.values()].sort(serviceOrder);
  const namespaceCounts = new Map<string, number>();
  for (const s of list) namespaceCounts.set(s.namespace, (namespaceCounts.get(s.namespace) ?? 0) + 1);
  return { byId, list, namespaces: [...namespaceCounts.keys()], namespaceCounts };
}

/**
 * The same result as `sortedServices` over the old set with `removed` deleted and `upserts` set
 * (the last upsert of an id wins), without sorting the whole list again. The input is not changed.
 */
export function applyServiceChanges(
  current: SortedServices,
  upserts: readonly ServiceSummary[],
  removed: readonly string[],
): SortedServices {
  if (upserts.length === 0 && removed.every((id) => !current.byId.has(id))) return current;
  const byId = new Map(current.byId);
  const counts = new Map(current.namespaceCounts);
  const count = (ns: string, by: number) => {
    const n = (counts.get(ns) ?? 0) + by;
    if (n === 0) counts.delete(ns);
    else counts.set(ns, n);
  };
  // Old entries leaving their place (removed, or moved by a changed namespace or name), and old
  // entries whose upsert keeps their place (the common case: a count or a badge changed), so that a
  // batch re-sending every service is still one pass with no sort.
  const leaving = new Set<ServiceSummary>();
  const replaced = new Map<ServiceSummary, ServiceSummary>();
  const leave = (id: string) => {
    const old = byId.get(id);
    if (!old) return;
    leaving.add(old);
    byId.delete(id);
    count(old.namespace, -1);
  };
  for (const id of removed) leave(id);
  const latest = new Map<string, ServiceSummary>();
  for (const u of upserts) latest.set(u.releaseId, u);
  const entering: ServiceSummary[] = [];
  for (const [id, u] of latest) {
    const old = byId.get(id);
    if (old && serviceOrder(old, u) === 0) replaced.set(old, u);
    else {
      leave(id);
      entering.push(u);
      count(u.namespace, 1);
    }
    byId.set(id, u);
  }
  entering.sort(serviceOrder);
  const list: ServiceSummary[] = [];
  let i = 0;
  for (const s of current.list) {
    if (leaving.has(s)) continue;
    while (i < entering.length && serviceOrder(entering[i] as ServiceSummary, s) < 0)
      list.push(entering[i++] as ServiceSummary);
    list.push(replaced.get(s) ?? s);
  }
  while (i < entering.length) list.push(entering[i++] as ServiceSummary);
  const sameNamespaces =
    counts.size === current.namespaceCounts.size && current.namespaces.every((ns) => counts.has(ns));
  const namespaces = sameNamespaces ? current.namespaces : [...counts.keys()].sort();
  return { byId, list, namespaces, namespaceCounts: counts };
}
