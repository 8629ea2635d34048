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
  /**
   * Every service by id. Copying a Map of 50,000 took as long as the sort it replaced, so a delta
   * updates this one in place and hands it to the next state: read it from the newest state only.
   */
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
  return resorted(byId);
}

/**
 * The list sorted again from `byId`. The sort is a merge of runs (TimSort): main sends the list
 * already in order, and a Map keeps an id's first place when it is set again, so `byId` iterates
 * in order with the new services at its end; sorting that is nearly one linear pass.
 */
function resorted(byId: Map<string, ServiceSummary>): SortedServices {
  const list = [...byId.values()].sort(serviceOrder);
  const namespaceCounts = new Map<string, number>();
  for (const s of list) namespaceCounts.set(s.namespace, (namespaceCounts.get(s.namespace) ?? 0) + 1);
  return { byId, list, namespaces: [...namespaceCounts.keys()], namespaceCounts };
}

/** Where `s` is, or would go, in `list` (sorted by `serviceOrder`). */
function lowerBound(list: readonly ServiceSummary[], s: ServiceSummary): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (serviceOrder(list[mid] as ServiceSummary, s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A delta of at most this many services is spliced in by binary search (a copy of the list and a
 * few moves); a bigger one sorts `byId` again, which is nearly in order (see `resorted`).
 */
const SPLICE_LIMIT = 64;

/**
 * The same result as `sortedServices` over the old set with `removed` deleted and `upserts` set
 * (the last upsert of an id wins), without a full sort of the list. The input's list, namespaces
 * and counts are not changed; its `byId` is the new state's (see there).
 */
export function applyServiceChanges(
  current: SortedServices,
  upserts: readonly ServiceSummary[],
  removed: readonly string[],
  spliceLimit = SPLICE_LIMIT,
): SortedServices {
  if (upserts.length === 0 && removed.every((id) => !current.byId.has(id))) return current;
  const byId = current.byId;
  if (upserts.length + removed.length > spliceLimit) {
    for (const id of removed) byId.delete(id);
    for (const u of upserts) byId.set(u.releaseId, u);
    const next = resorted(byId);
    return sameNamespaces(next.namespaces, current.namespaces)
      ? { ...next, namespaces: current.namespaces }
      : next;
  }
  // Each id the delta touches, with its entry in the current list (undefined when it is new).
  const touched = new Map<string, ServiceSummary | undefined>();
  const touch = (id: string) => {
    if (!touched.has(id)) touched.set(id, byId.get(id));
  };
  for (const id of removed) {
    touch(id);
    byId.delete(id);
  }
  for (const u of upserts) {
    touch(u.releaseId);
    byId.set(u.releaseId, u);
  }
  const counts = new Map(current.namespaceCounts);
  const count = (ns: string, by: number) => {
    const n = (counts.get(ns) ?? 0) + by;
    if (n === 0) counts.delete(ns);
    else counts.set(ns, n);
  };
  // An upsert that keeps its namespace and name (the common case: a count or a badge changed) takes
  // its old entry's place; one that is new or moved enters in order.
  const leaving: ServiceSummary[] = [];
  const inPlace: [ServiceSummary, ServiceSummary][] = [];
  const entering: ServiceSummary[] = [];
  for (const [id, old] of touched) {
    const now = byId.get(id);
    if (old && now && serviceOrder(old, now) === 0) {
      if (old !== now) inPlace.push([old, now]);
      continue;
    }
    if (old) {
      leaving.push(old);
      count(old.namespace, -1);
    }
    if (now) {
      entering.push(now);
      count(now.namespace, 1);
    }
  }
  entering.sort(serviceOrder);
  const list = spliced(current.list, leaving, inPlace, entering);
  const namespaces = [...counts.keys()].sort();
  return {
    byId,
    list,
    namespaces: sameNamespaces(namespaces, current.namespaces) ? current.namespaces : namespaces,
    namespaceCounts: counts,
  };
}

const sameNamespaces = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((ns, i) => ns === b[i]);

/** A few changes: a copy of the list, each found by binary search. */
function spliced(
  before: readonly ServiceSummary[],
  leaving: readonly ServiceSummary[],
  inPlace: readonly [ServiceSummary, ServiceSummary][],
  entering: readonly ServiceSummary[],
): ServiceSummary[] {
  const list = before.slice();
  for (const [old, now] of inPlace) list[lowerBound(list, old)] = now;
  for (const old of leaving) list.splice(lowerBound(list, old), 1);
  for (const now of entering) list.splice(lowerBound(list, now), 0, now);
  return list;
}
