import { meshHostsClaimedBy } from '../../../shared/mesh/lint/index.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { WatchedKey } from './cluster-resources.ts';
import { flatString } from './interned-strings.ts';
import { SegmentedMap } from './segmented-map.ts';

// The release index's view of the cache: every object by uid, indexed by what a route's release is
// read from (hosts, DestinationRules, Services, selected workloads), so a change marks only the
// routes it touches and a route's inputs are found without scanning the cache.

/**
 * The members of one index key: almost always one (a host's route, a label pair's Deployment), kept
 * as that one string; a Set only for two or more (an empty Set is ~150 bytes, 50,000 of them per
 * index at 50,000 services).
 */
export type Members = string | Set<string>;

export interface ReleaseIndexEntries {
  /**
   * The objects by uid the index keeps itself: all of them, or with `cached` only those without a
   * metadata.uid (the cache keys those otherwise than the index does).
   */
  objects: Map<string, KubeObject>;
  /**
   * The watch cache's object of a metadata.uid, when the cache serves them: the index then keeps no
   * second map of 300,000 uids at 50,000 services. The cache holds each object before its change is
   * announced; within one change set it may be ahead of the index, which only ever marks the routes
   * of a host the change of that same object marks as well.
   */
  cached: ((uid: string) => KubeObject | undefined) | undefined;
  /**
   * Each input's place in the cache (first seen first; an update keeps it): inputs are handed to
   * readReleases in this order, so a release lists its Deployments as one read of everything would.
   */
  order: SegmentedMap<string, number>;
  nextOrder: number;
  /** The hosts of each route (by route uid). */
  routeHostIndex: Map<string, Members>;
  hostRoutes: Map<string, Members>;
  /**
   * Routes by the mesh hosts they claim, canonical as the mixed-mesh lint reads them (a mesh
   * VirtualService's hosts, a GAMMA HTTPRoute's parent Services): a release view finds the routes
   * that may mix with its own here instead of linting every route of the session. May hold a uid
   * whose object no longer claims the host (readers check the object), never miss one that does.
   */
  meshHostRoutes: Map<string, Members>;
  hostDrs: Map<string, Members>;
  /**
   * Services by one pair of their selector (`labelKey` of the first key in order): a workload's
   * Services are found among those of its own label pairs, not by testing every Service of the
   * namespace (50,000 in one namespace made each Pod event, and each route read, a full scan).
   */
  servicesBySelectorPair: Map<string, Members>;
  serviceByHost: Map<string, string>;
  /** Deployments by every pair of their pod template's labels (`labelKey`). */
  deploymentsByLabel: Map<string, Members>;
  /** ReferenceGrants by their namespace (a handful per cluster). */
  grantsByNamespace: Map<string, Members>;
}

/** One label pair in one namespace, as the selector indexes key it. */
export const labelKey = (namespace: string, key: string, value: string) =>
  `${namespace}\u0000${key}\u0000${value}`;

/** The selector pair a Service is indexed by: its first key in code-unit order. */
function selectorPairKey(namespace: string, selector: Record<string, string>): string {
  let first: string | undefined;
  for (const k of Object.keys(selector)) if (first === undefined || k < first) first = k;
  return labelKey(namespace, first as string, selector[first as string] as string);
}

const ROUTE_KINDS = new Set<WatchedKey>(['virtualservices', 'httproutes']);
const SELECTED_KINDS = new Set<WatchedKey>(['deployments', 'replicasets', 'pods']);
/** The kinds `inputsOf` hands to the reader. */
const INPUT_KINDS = new Set<WatchedKey>([
  'virtualservices',
  'httproutes',
  'referencegrants',
  'destinationrules',
  'services',
  'deployments',
]);

export const nsOf = (o: KubeObject) => o.metadata.namespace || 'default';
export const uidOf = (o: KubeObject) => o.metadata.uid ?? `${o.kind}/${nsOf(o)}/${o.metadata.name}`;

function fqdn(host: string, namespace: string): string {
  return host.includes('.') || host.includes('*') ? host : `${host}.${namespace}.svc.cluster.local`;
}

function kindKey(o: KubeObject): WatchedKey | null {
  switch (o.kind) {
    case 'VirtualService':
      return 'virtualservices';
    case 'HTTPRoute':
      return 'httproutes';
    case 'ReferenceGrant':
      return 'referencegrants';
    case 'DestinationRule':
      return 'destinationrules';
    case 'Service':
      return 'services';
    case 'Deployment':
      return 'deployments';
    case 'ReplicaSet':
      return 'replicasets';
    case 'Pod':
      return 'pods';
    default:
      return null;
  }
}

/** The array at `x`, else none: a field of the wrong type (a number, a map) holds no hosts. */
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const field = (x: unknown, key: string): unknown =>
  typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[key] : undefined;

/** Every host a route object depends on: the hosts it answers for and every destination. */
export function routeHosts(o: KubeObject): Set<string> {
  const ns = nsOf(o);
  const hosts = new Set<string>();
  const spec = o.spec;
  const addDestination = (destination: unknown) => {
    const host = field(destination, 'host');
    if (typeof host === 'string') hosts.add(fqdn(host, ns));
  };
  if (o.kind === 'VirtualService') {
    for (const h of list(field(spec, 'hosts'))) if (typeof h === 'string') hosts.add(fqdn(h, ns));
    for (const section of ['http', 'tcp', 'tls'] as const) {
      for (const route of list(field(spec, section))) {
        for (const t of list(field(route, 'route'))) addDestination(field(t, 'destination'));
        addDestination(field(route, 'mirror'));
        for (const m of list(field(route, 'mirrors'))) addDestination(field(m, 'destination'));
      }
    }
  } else {
    for (const h of list(field(spec, 'hostnames'))) if (typeof h === 'string') hosts.add(h);
    for (const rule of list(field(spec, 'rules'))) {
      for (const ref of list(field(rule, 'backendRefs'))) {
        const name = field(ref, 'name');
        const kind = field(ref, 'kind');
        if (typeof name === 'string' && (kind === undefined || kind === 'Service')) {
          const refNs = field(ref, 'namespace');
          hosts.add(`${name}.${typeof refNs === 'string' ? refNs : ns}.svc.cluster.local`);
        }
      }
    }
  }
  return hosts;
}

function selectorOf(service: KubeObject): Record<string, string> | null {
  const selector = (service.spec as { selector?: Record<string, string> } | undefined)?.selector;
  return selector && Object.keys(selector).length > 0 ? selector : null;
}

function workloadLabels(o: KubeObject): Record<string, string> | undefined {
  if (o.kind === 'Pod') return o.metadata.labels;
  return (o.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template
    ?.metadata?.labels;
}

const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  labels !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Adds `value` to the members of `key` (the key, when new, is stored flat unless it is `flat`). */
function add(map: Map<string, Members>, key: string, value: string, flat = false) {
  const members = map.get(key);
  if (members === undefined) map.set(flat ? key : flatString(key), value);
  else if (typeof members === 'string') {
    if (members !== value) map.set(key, new Set([members, value]));
  } else members.add(value);
}

function remove(map: Map<string, Members>, key: string, value: string) {
  const members = map.get(key);
  if (members === undefined) return;
  if (typeof members === 'string') {
    if (members === value) map.delete(key);
    return;
  }
  members.delete(value);
  if (members.size === 1) map.set(key, members.values().next().value as string);
}

/** The members of `key` in `map` (none when absent). */
export function membersOf(map: Map<string, Members>, key: string): Iterable<string> {
  const members = map.get(key);
  if (members === undefined) return [];
  return typeof members === 'string' ? [members] : members;
}

const membersOfSet = (set: Set<string>): Members =>
  set.size === 1 ? (set.values().next().value as string) : set;

export function createReleaseIndexEntries(
  cached?: (uid: string) => KubeObject | undefined,
): ReleaseIndexEntries {
  return {
    objects: new Map(),
    cached,
    order: new SegmentedMap(),
    nextOrder: 0,
    routeHostIndex: new Map(),
    hostRoutes: new Map(),
    meshHostRoutes: new Map(),
    hostDrs: new Map(),
    servicesBySelectorPair: new Map(),
    serviceByHost: new Map(),
    deploymentsByLabel: new Map(),
    grantsByNamespace: new Map(),
  };
}

/** The object of `uid` the index knows (see `objects` and `cached`). */
export function objectOf(e: ReleaseIndexEntries, uid: string): KubeObject | undefined {
  return e.objects.get(uid) ?? e.cached?.(uid);
}

/**
 * The routes that claim one of `hosts` (canonical mesh hosts) or did when the index saw them:
 * VirtualServices first, then HTTPRoutes, each in cache order, as a list of every route would be.
 */
export function routesClaiming(e: ReleaseIndexEntries, hosts: Iterable<string>): KubeObject[] {
  const uids = new Set<string>();
  for (const h of hosts) for (const uid of membersOf(e.meshHostRoutes, h)) uids.add(uid);
  const found: KubeObject[] = [];
  for (const uid of uids) {
    const o = objectOf(e, uid);
    if (o) found.push(o);
  }
  inCacheOrder(e, found);
  return [
    ...found.filter((o) => o.kind === 'VirtualService'),
    ...found.filter((o) => o.kind !== 'VirtualService'),
  ];
}

/** In cache order (see `order`). */
export function inCacheOrder(e: ReleaseIndexEntries, objects: KubeObject[]): KubeObject[] {
  const at = (o: KubeObject) => e.order.get(uidOf(o)) ?? Number.MAX_SAFE_INTEGER;
  return objects.sort((a, b) => at(a) - at(b));
}

/**
 * Adds (`on`) or removes one object and what it is indexed by; `replacing`: the removal of a
 * version about to be added again (it keeps its place in the order).
 */
export function indexObject(e: ReleaseIndexEntries, o: KubeObject, on: boolean, replacing = false) {
  const uid = uidOf(o);
  const ns = nsOf(o);
  const key = kindKey(o);
  if (key === 'virtualservices' || key === 'httproutes') {
    if (on) {
      const hosts = new Set([...routeHosts(o)].map(flatString));
      e.routeHostIndex.set(uid, membersOfSet(hosts));
      for (const h of hosts) add(e.hostRoutes, h, uid, true);
    } else {
      for (const h of membersOf(e.routeHostIndex, uid)) remove(e.hostRoutes, h, uid);
      e.routeHostIndex.delete(uid);
    }
    for (const h of meshHostsClaimedBy(o)) (on ? add : remove)(e.meshHostRoutes, h, uid);
  } else if (key === 'destinationrules') {
    const host = (o.spec as { host?: unknown } | undefined)?.host;
    if (typeof host === 'string') (on ? add : remove)(e.hostDrs, fqdn(host, ns), uid);
  } else if (key === 'services') {
    const selector = selectorOf(o);
    if (selector) (on ? add : remove)(e.servicesBySelectorPair, selectorPairKey(ns, selector), uid);
    const host = `${o.metadata.name}.${ns}.svc.cluster.local`;
    if (on) {
      if (e.serviceByHost.get(host) !== uid) e.serviceByHost.set(flatString(host), uid);
    } else if (e.serviceByHost.get(host) === uid) e.serviceByHost.delete(host);
  } else if (key === 'deployments') {
    for (const [k, v] of Object.entries(workloadLabels(o) ?? {}))
      (on ? add : remove)(e.deploymentsByLabel, labelKey(ns, k, v), uid);
  } else if (key === 'referencegrants') (on ? add : remove)(e.grantsByNamespace, ns, uid);
  if (on) {
    if (e.cached === undefined || o.metadata.uid === undefined) e.objects.set(uid, o);
    // Only inputs are ever put in order: Pods and ReplicaSets (a third of a big cluster) never are.
    if (key !== null && INPUT_KINDS.has(key) && !e.order.has(uid)) e.order.set(uid, e.nextOrder++);
  } else {
    e.objects.delete(uid);
    if (!replacing) e.order.delete(uid);
  }
}

function markHost(e: ReleaseIndexEntries, host: string, dirtyRoutes: Set<string>) {
  for (const r of membersOf(e.hostRoutes, host)) dirtyRoutes.add(r);
}

/** Adds to `dirtyRoutes` every route whose release a change of `o` may change. */
export function markDirty(
  e: ReleaseIndexEntries,
  o: KubeObject,
  resource: WatchedKey,
  dirtyRoutes: Set<string>,
) {
  const ns = nsOf(o);
  if (ROUTE_KINDS.has(resource)) {
    dirtyRoutes.add(uidOf(o));
    // Routes sharing a host may turn read-only (or back) when another claims it.
    const uid = uidOf(o);
    for (const h of e.routeHostIndex.has(uid) ? membersOf(e.routeHostIndex, uid) : routeHosts(o))
      markHost(e, h, dirtyRoutes);
  } else if (resource === 'destinationrules') {
    const host = (o.spec as { host?: unknown } | undefined)?.host;
    if (typeof host === 'string') markHost(e, fqdn(host, ns), dirtyRoutes);
  } else if (resource === 'services') {
    markHost(e, `${o.metadata.name}.${ns}.svc.cluster.local`, dirtyRoutes);
  } else if (resource === 'referencegrants') {
    markGrantedHosts(e, o, dirtyRoutes);
  } else if (SELECTED_KINDS.has(resource)) {
    const labels = workloadLabels(o);
    for (const [k, v] of Object.entries(labels ?? {})) {
      for (const sUid of membersOf(e.servicesBySelectorPair, labelKey(ns, k, v))) {
        const service = objectOf(e, sUid);
        const selector = service && selectorOf(service);
        if (service && selector && selects(selector, labels))
          markHost(e, `${service.metadata.name}.${ns}.svc.cluster.local`, dirtyRoutes);
      }
    }
  }
}

/**
 * Marks the routes that send to a Service a ReferenceGrant opens up: the one it names, or (no name)
 * every Service of its namespace. Grants are few and rarely change: a scan of the hosts is fine.
 */
function markGrantedHosts(e: ReleaseIndexEntries, grant: KubeObject, dirtyRoutes: Set<string>) {
  const ns = nsOf(grant);
  const suffix = `.${ns}.svc.cluster.local`;
  const named = new Set<string>();
  for (const t of list(field(grant.spec, 'to'))) {
    const name = field(t, 'name');
    if (typeof name !== 'string' || name === '') {
      for (const host of e.hostRoutes.keys()) if (host.endsWith(suffix)) markHost(e, host, dirtyRoutes);
      return;
    }
    named.add(name);
  }
  for (const name of named) markHost(e, `${name}${suffix}`, dirtyRoutes);
}

/** The ReferenceGrants of the namespaces an HTTPRoute sends to other than its own. */
function grantsOfRoute(
  e: ReleaseIndexEntries,
  route: KubeObject,
  routeUid: string,
  out: Map<string, KubeObject>,
) {
  if (route.kind !== 'HTTPRoute' || e.grantsByNamespace.size === 0) return;
  const own = nsOf(route);
  for (const host of membersOf(e.routeHostIndex, routeUid)) {
    const ns = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(host)?.[1];
    if (ns === undefined || ns === own) continue;
    for (const g of membersOf(e.grantsByNamespace, ns)) {
      const o = objectOf(e, g);
      if (o) out.set(g, o);
    }
  }
}

/** The objects one route's release is read from, and nothing else. */
export function inputsOf(e: ReleaseIndexEntries, routeUid: string): KubeObject[] {
  const route = objectOf(e, routeUid);
  if (!route) return [];
  const out = new Map<string, KubeObject>([[routeUid, route]]);
  grantsOfRoute(e, route, routeUid, out);
  const ns = new Map<string, Array<Record<string, string>>>();
  for (const host of membersOf(e.routeHostIndex, routeUid)) {
    for (const r of membersOf(e.hostRoutes, host)) {
      const o = objectOf(e, r);
      if (o) out.set(r, o);
    }
    for (const d of membersOf(e.hostDrs, host)) {
      const o = objectOf(e, d);
      if (o) out.set(d, o);
    }
    const sUid = e.serviceByHost.get(host);
    const service = sUid ? objectOf(e, sUid) : undefined;
    if (service && sUid) {
      out.set(sUid, service);
      const selector = selectorOf(service);
      if (selector) ns.set(nsOf(service), [...(ns.get(nsOf(service)) ?? []), selector]);
    }
  }
  for (const [namespace, selectors] of ns) {
    for (const selector of selectors) {
      for (const dUid of membersOf(e.deploymentsByLabel, selectorPairKey(namespace, selector))) {
        const d = objectOf(e, dUid);
        if (d && selects(selector, workloadLabels(d))) out.set(dUid, d);
      }
    }
  }
  return inCacheOrder(e, [...out.values()]);
}

/** The releases of `all` that belong to one route (by uid, else by kind, name and namespace). */
export function releasesOfRoute(
  e: ReleaseIndexEntries,
  all: ServiceRelease[],
  routeUid: string,
): ServiceRelease[] {
  const route = objectOf(e, routeUid);
  return all.filter((r) =>
    r.route.uid !== undefined
      ? r.route.uid === routeUid
      : route !== undefined &&
        r.route.kind === route.kind &&
        r.route.name === route.metadata.name &&
        r.route.namespace === nsOf(route),
  );
}
