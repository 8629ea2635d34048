import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { Clock } from './clock.ts';
import type { WatchedKey } from './cluster-resources.ts';
import type { CacheChange, WatchCache } from './watch-cache.ts';

export type ReadReleases = (objects: readonly KubeObject[]) => ServiceRelease[];

export interface ReleaseChanges {
  upserts: ServiceRelease[];
  /** Ids of releases that are gone. */
  deletes: string[];
}

export interface ReleaseIndexOptions {
  cache: Pick<WatchCache, 'onChange' | 'all'> & { readonly synced?: boolean };
  read: ReadReleases;
  clock: Clock;
  /** How long changes gather before releases are recomputed and announced (at most 10 a second). */
  intervalMs?: number;
  /** Above this many dirty routes one full read is cheaper than many small ones. */
  fullReadThreshold?: number;
  /** How many routes one read of a full recompute covers (bounds its memory peak). */
  fullReadChunk?: number;
}

export interface ReleaseIndex {
  releases(): ServiceRelease[];
  get(id: string): ServiceRelease | undefined;
  onChanges(listener: (changes: ReleaseChanges) => void): () => void;
  /** Recomputes what is dirty now instead of at the next tick (a full read at once: it may stall). */
  flush(): void;
  /**
   * Resolves once every release is current, reading a whole cluster in slices between which the
   * event loop runs (one chunk of routes at a time), so a big cluster never holds it for long.
   */
  whenCurrent(): Promise<void>;
  readonly stats: { fullReads: number; partialReads: number; routesRead: number };
  dispose(): void;
}

const ROUTE_KINDS = new Set<WatchedKey>(['virtualservices', 'httproutes']);
const SELECTED_KINDS = new Set<WatchedKey>(['deployments', 'replicasets', 'pods']);

const nsOf = (o: KubeObject) => o.metadata.namespace || 'default';
const uidOf = (o: KubeObject) => o.metadata.uid ?? `${o.kind}/${nsOf(o)}/${o.metadata.name}`;

function fqdn(host: string, namespace: string): string {
  return host.includes('.') || host.includes('*') ? host : `${host}.${namespace}.svc.cluster.local`;
}

function kindKey(o: KubeObject): WatchedKey | null {
  switch (o.kind) {
    case 'VirtualService':
      return 'virtualservices';
    case 'HTTPRoute':
      return 'httproutes';
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

/** Every host a route object depends on: the hosts it answers for and every destination. */
export function routeHosts(o: KubeObject): Set<string> {
  const ns = nsOf(o);
  const hosts = new Set<string>();
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  if (o.kind === 'VirtualService') {
    for (const h of (spec.hosts as unknown[]) ?? []) if (typeof h === 'string') hosts.add(fqdn(h, ns));
    for (const section of ['http', 'tcp', 'tls'] as const) {
      for (const route of (spec[section] as Array<Record<string, unknown>>) ?? []) {
        const targets = [
          ...((route?.route as unknown[]) ?? []),
          route?.mirror ? { destination: route.mirror } : null,
        ];
        for (const t of targets) {
          const host = (t as { destination?: { host?: unknown } } | null)?.destination?.host;
          if (typeof host === 'string') hosts.add(fqdn(host, ns));
        }
      }
    }
  } else {
    for (const h of (spec.hostnames as unknown[]) ?? []) if (typeof h === 'string') hosts.add(h);
    for (const rule of (spec.rules as Array<Record<string, unknown>>) ?? []) {
      for (const ref of (rule?.backendRefs as Array<Record<string, unknown>>) ?? []) {
        if (typeof ref?.name === 'string' && (ref.kind === undefined || ref.kind === 'Service')) {
          const refNs = typeof ref.namespace === 'string' ? ref.namespace : ns;
          hosts.add(`${ref.name}.${refNs}.svc.cluster.local`);
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

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function remove<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/**
 * ServiceReleases computed from one session's cache with the routing core, kept current by
 * recomputing only the routes whose inputs changed: the route itself, a DestinationRule or
 * Service of one of its hosts, or a Deployment / ReplicaSet / Pod selected by such a Service.
 */
export function createReleaseIndex(options: ReleaseIndexOptions): ReleaseIndex {
  const { cache, read, clock } = options;
  const intervalMs = options.intervalMs ?? 100;
  const fullReadThreshold = options.fullReadThreshold ?? 200;
  const fullReadChunk = options.fullReadChunk ?? 250;

  const objects = new Map<string, KubeObject>();
  const routeHostIndex = new Map<string, Set<string>>();
  const hostRoutes = new Map<string, Set<string>>();
  const hostDrs = new Map<string, Set<string>>();
  const servicesByNs = new Map<string, Set<string>>();
  const serviceByHost = new Map<string, string>();
  const deploymentsByNs = new Map<string, Set<string>>();
  const byRoute = new Map<string, ServiceRelease[]>();
  const byId = new Map<string, ServiceRelease>();
  const listeners = new Set<(c: ReleaseChanges) => void>();
  const stats = { fullReads: 0, partialReads: 0, routesRead: 0 };

  const dirtyRoutes = new Set<string>();
  let everything = true;
  let timer: unknown;
  let disposed = false;

  function index(o: KubeObject, on: boolean) {
    const uid = uidOf(o);
    const ns = nsOf(o);
    const key = kindKey(o);
    if (key === 'virtualservices' || key === 'httproutes') {
      if (on) {
        const hosts = routeHosts(o);
        routeHostIndex.set(uid, hosts);
        for (const h of hosts) add(hostRoutes, h, uid);
      } else {
        for (const h of routeHostIndex.get(uid) ?? []) remove(hostRoutes, h, uid);
        routeHostIndex.delete(uid);
      }
    } else if (key === 'destinationrules') {
      const host = (o.spec as { host?: unknown } | undefined)?.host;
      if (typeof host === 'string') (on ? add : remove)(hostDrs, fqdn(host, ns), uid);
    } else if (key === 'services') {
      (on ? add : remove)(servicesByNs, ns, uid);
      const host = `${o.metadata.name}.${ns}.svc.cluster.local`;
      if (on) serviceByHost.set(host, uid);
      else if (serviceByHost.get(host) === uid) serviceByHost.delete(host);
    } else if (key === 'deployments') {
      (on ? add : remove)(deploymentsByNs, ns, uid);
    }
    if (on) objects.set(uid, o);
    else objects.delete(uid);
  }

  function markHost(host: string) {
    for (const r of hostRoutes.get(host) ?? []) dirtyRoutes.add(r);
  }

  function markDirty(o: KubeObject, resource: WatchedKey) {
    const ns = nsOf(o);
    if (ROUTE_KINDS.has(resource)) {
      dirtyRoutes.add(uidOf(o));
      // Routes sharing a host may turn read-only (or back) when another claims it.
      for (const h of routeHostIndex.get(uidOf(o)) ?? routeHosts(o)) markHost(h);
    } else if (resource === 'destinationrules') {
      const host = (o.spec as { host?: unknown } | undefined)?.host;
      if (typeof host === 'string') markHost(fqdn(host, ns));
    } else if (resource === 'services') {
      markHost(`${o.metadata.name}.${ns}.svc.cluster.local`);
    } else if (SELECTED_KINDS.has(resource)) {
      const labels = workloadLabels(o);
      for (const sUid of servicesByNs.get(ns) ?? []) {
        const service = objects.get(sUid);
        const selector = service && selectorOf(service);
        if (service && selector && selects(selector, labels))
          markHost(`${service.metadata.name}.${ns}.svc.cluster.local`);
      }
    }
  }

  function onChange(changes: readonly CacheChange[]) {
    // Until the next full read nothing needs marking (a Pod would scan every Service of its namespace).
    for (const c of changes) {
      if (c.previous) {
        if (!everything) markDirty(c.previous, c.resource);
        index(c.previous, false);
      }
      if (c.type === 'upsert') {
        index(c.object, true);
        if (!everything) markDirty(c.object, c.resource);
      }
    }
    schedule();
  }

  function schedule() {
    if (disposed || timer !== undefined || (!everything && dirtyRoutes.size === 0 && !pass)) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      tick();
    }, intervalMs);
  }

  const needsFullRead = () => everything || dirtyRoutes.size > fullReadThreshold;

  /**
   * A full read in progress, one chunk of routes per turn of the event loop. Changes meanwhile mark
   * their routes dirty as usual and are read after it (or again: reading a route twice is harmless).
   */
  let pass: { routes: string[]; next: number; fresh: Map<string, ServiceRelease[]> } | undefined;

  function beginPass() {
    stats.fullReads++;
    pass = { routes: [...new Set([...byRoute.keys(), ...routeHostIndex.keys()])], next: 0, fresh: new Map() };
    everything = false;
    dirtyRoutes.clear();
  }

  /** Reads the next chunk of the pass (or all that is left), and announces the pass once done. */
  function stepPass(all: boolean) {
    while (pass && pass.next < pass.routes.length) {
      // In chunks of routes, each read from the inputs of its routes only: one read of a whole big
      // cluster keeps ~100 MB of intermediate objects alive at once, which the heap never gives back.
      readChunk(pass.routes.slice(pass.next, pass.next + fullReadChunk), pass.fresh);
      pass.next += fullReadChunk;
      if (!all) break;
    }
    if (pass && pass.next >= pass.routes.length) {
      const done = pass;
      pass = undefined;
      stats.routesRead += done.routes.length;
      announce(done.fresh);
    }
  }

  const nextTurn = () => new Promise<void>((resolve) => clock.setTimeout(resolve, 0));

  /** The coalescing tick: a whole-cluster read goes in slices, a few dirty routes at once. */
  function tick() {
    if (disposed) return;
    if (cache.synced === false) {
      schedule();
      return;
    }
    if (!pass && needsFullRead() && routeHostIndex.size > fullReadChunk) beginPass();
    if (pass) {
      stepPass(false);
      if (pass) {
        timer = clock.setTimeout(() => {
          timer = undefined;
          tick();
        }, 0);
      } else schedule();
      return;
    }
    recompute();
  }

  /** The objects one route's release is read from, and nothing else. */
  function inputsOf(routeUid: string): KubeObject[] {
    const route = objects.get(routeUid);
    if (!route) return [];
    const out = new Map<string, KubeObject>([[routeUid, route]]);
    const ns = new Map<string, Array<Record<string, string>>>();
    for (const host of routeHostIndex.get(routeUid) ?? []) {
      for (const r of hostRoutes.get(host) ?? []) {
        const o = objects.get(r);
        if (o) out.set(r, o);
      }
      for (const d of hostDrs.get(host) ?? []) {
        const o = objects.get(d);
        if (o) out.set(d, o);
      }
      const sUid = serviceByHost.get(host);
      const service = sUid ? objects.get(sUid) : undefined;
      if (service && sUid) {
        out.set(sUid, service);
        const selector = selectorOf(service);
        if (selector) ns.set(nsOf(service), [...(ns.get(nsOf(service)) ?? []), selector]);
      }
    }
    for (const [namespace, selectors] of ns) {
      for (const dUid of deploymentsByNs.get(namespace) ?? []) {
        const d = objects.get(dUid);
        if (d && selectors.some((s) => selects(s, workloadLabels(d)))) out.set(dUid, d);
      }
    }
    return [...out.values()];
  }

  function releasesOfRoute(all: ServiceRelease[], routeUid: string): ServiceRelease[] {
    const route = objects.get(routeUid);
    return all.filter((r) =>
      r.route.uid !== undefined
        ? r.route.uid === routeUid
        : route !== undefined &&
          r.route.kind === route.kind &&
          r.route.name === route.metadata.name &&
          r.route.namespace === nsOf(route),
    );
  }

  /** Reads the releases of `chunk` (route uids) from the union of their inputs, into `fresh`. */
  function readChunk(chunk: readonly string[], fresh: Map<string, ServiceRelease[]>) {
    const inputs = new Map<string, KubeObject>();
    for (const uid of chunk) for (const o of inputsOf(uid)) inputs.set(uidOf(o), o);
    const all = inputs.size > 0 ? read([...inputs.values()]) : [];
    const grouped = new Map<string, ServiceRelease[]>();
    for (const r of all) {
      const key = r.route.uid ?? '';
      const list = grouped.get(key);
      if (list) list.push(r);
      else grouped.set(key, [r]);
    }
    for (const uid of chunk)
      fresh.set(uid, grouped.get(uid) ?? (objects.has(uid) ? releasesOfRoute(all, uid) : []));
  }

  function recompute() {
    if (disposed) return;
    // While the first lists arrive every tick would re-read a growing half-cache: wait for all.
    if (cache.synced === false) {
      schedule();
      return;
    }
    // A pass in progress is finished first, at once.
    stepPass(true);
    if (needsFullRead()) {
      beginPass();
      stepPass(true);
    }
    if (dirtyRoutes.size === 0) return;
    stats.partialReads++;
    const routes = [...dirtyRoutes];
    dirtyRoutes.clear();
    const fresh = new Map<string, ServiceRelease[]>();
    for (const uid of routes)
      fresh.set(uid, objects.has(uid) ? releasesOfRoute(read(inputsOf(uid)), uid) : []);
    stats.routesRead += routes.length;
    announce(fresh);
  }

  function announce(fresh: Map<string, ServiceRelease[]>) {
    const changes: ReleaseChanges = { upserts: [], deletes: [] };
    for (const [uid, next] of fresh) {
      const before = byRoute.get(uid) ?? [];
      const nextIds = new Set(next.map((r) => r.id));
      for (const old of before) {
        if (!nextIds.has(old.id) && byId.get(old.id) === old) {
          byId.delete(old.id);
          changes.deletes.push(old.id);
        }
      }
      for (const r of next) {
        const old = byId.get(r.id);
        byId.set(r.id, r);
        if (!old || JSON.stringify(old) !== JSON.stringify(r)) changes.upserts.push(r);
      }
      if (next.length > 0) byRoute.set(uid, next);
      else byRoute.delete(uid);
    }
    if (changes.upserts.length > 0 || changes.deletes.length > 0) for (const l of listeners) l(changes);
  }

  for (const o of cache.all()) index(o, true);
  const unsubscribe = cache.onChange(onChange);
  schedule();

  return {
    releases: () => [...byId.values()],
    get: (id) => byId.get(id),
    onChanges(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      recompute();
    },
    async whenCurrent() {
      while (!disposed && (pass || needsFullRead())) {
        if (!pass) beginPass();
        stepPass(false);
        if (pass) await nextTurn();
      }
      // What changed meanwhile: a few routes, read at once.
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      recompute();
    },
    stats,
    dispose() {
      disposed = true;
      unsubscribe();
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
