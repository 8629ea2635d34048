import {
  type CompiledRouter,
  canonicalHost,
  compileHTTPRoute,
  compileVirtualService,
  hostMatches,
  type MeshRequest,
} from '../../../shared/mesh/evaluate/index.ts';
import type { RegexEngine, VirtualService } from '../../../shared/mesh/model/index.ts';
import { backendRefPermitted } from '../../../shared/mesh/read/index.ts';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/object-store.ts';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.ts';
import { isPodReady } from './replica-set-pods.ts';
import { objectKey, type SimResourceTypes } from './sim-resource-types.ts';

/** The pod a request lands on, described by the labels Istio reports for it. */
export interface Endpoint {
  workload: string;
  app: string;
  version: string;
  namespace: string;
  serviceAccount: string;
  /** The image of the pod's first container: a new version runs like the version whose image it runs. */
  image?: string;
}

export interface RoutedService {
  /** FQDN, e.g. reviews.bookinfo.svc.cluster.local (the `destination_service` label). */
  host: string;
  name: string;
  namespace: string;
}

/** A copy of the request the route mirrors: to `host` (FQDN) and `subset`, for `percentage`% of requests. */
export interface MirrorTarget {
  host: string;
  subset?: string;
  percentage: number;
}

export type RouteResult =
  | {
      ok: true;
      service: RoutedService;
      endpoint: Endpoint;
      timeoutMs?: number;
      /** The route's mirrors (copies are fire-and-forget: the caller never sees their answers). */
      mirrors?: MirrorTarget[];
      /** The Set-Cookie the destination adds to its response (sticky canaries). */
      setCookie?: string;
    }
  | { ok: false; code: number; flags: string; service?: RoutedService; reason: string };

interface CompiledEntry {
  key: string;
  namespace: string;
  hosts: string[];
  gateways: string[];
  router: CompiledRouter;
  timeouts: Array<number | undefined>;
  /** An HTTPRoute: a backendRef to a Service that does not exist answers 500, as Istio does. */
  gatewayApi: boolean;
  /**
   * Which of several routes for one host wins: VirtualServices ('') in the order they came, then
   * HTTPRoutes oldest first, then by namespace/name (Gateway API's rule for conflicting routes).
   */
  rank: string;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const AMBIENT_LABEL = 'istio.io/dataplane-mode';

const SUFFIX = '.svc.cluster.local';

function parseDurationMs(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  return (
    Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'] as number)
  );
}

function gatewayKey(name: string, namespace: string): string {
  return name === 'mesh' || name.includes('/') ? name : `${namespace}/${name}`;
}

/** Where an HTTPRoute applies: its Service parents' FQDNs for mesh traffic, its hostnames on its Gateways. */
function httpRouteBinding(
  spec: Record<string, unknown>,
  namespace: string,
): { hosts: string[]; gateways: string[] } {
  const hosts = new Set<string>();
  const gateways = new Set<string>();
  const hostnames = Array.isArray(spec.hostnames)
    ? spec.hostnames.filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase())
    : [];
  for (const p of Array.isArray(spec.parentRefs) ? spec.parentRefs : []) {
    const ref = p as { group?: unknown; kind?: unknown; name?: unknown; namespace?: unknown };
    if (typeof ref.name !== 'string') continue;
    const ns = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : namespace;
    if (ref.kind === 'Service' && (ref.group ?? '') === '') {
      hosts.add(`${ref.name}.${ns}${SUFFIX}`);
      gateways.add('mesh');
    } else if ((ref.kind ?? 'Gateway') === 'Gateway' && (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP) {
      for (const h of hostnames.length > 0 ? hostnames : ['*']) hosts.add(h);
      gateways.add(`${ns}/${ref.name}`);
    }
  }
  return { hosts: [...hosts], gateways: [...gateways] };
}

/**
 * Routes simulated requests the way the sidecars (and gateways, and waypoints) would: finds the
 * VirtualService or HTTPRoute for the host (or for the gateway and authority), evaluates it with
 * the shared evaluator, resolves the subset through the DestinationRule (or the backendRef's own
 * Service) to pod labels and picks a ready pod. Routes are compiled one by one as they change;
 * endpoints are cached per namespace until a pod, Service or DestinationRule there changes.
 */
export class MeshRouter {
  private readonly entries = new Map<string, CompiledEntry>();
  private readonly byHost = new Map<string, CompiledEntry[]>();
  private readonly wildcard = new Set<CompiledEntry>();
  private readonly endpointCache = new Map<string, Map<string, Endpoint[] | 'no-subset'>>();
  private readonly roundRobin = new Map<string, number>();
  private readonly unsubscribe: () => void;
  /** VirtualServices that failed to compile, with the reason (they route nothing, like a rejected config). */
  readonly rejected = new Map<string, string>();
  /** Namespaces labelled istio.io/dataplane-mode=ambient: no sidecars, L7 reported by their waypoint. */
  private readonly ambient = new Set<string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly types: SimResourceTypes,
    private readonly engine: RegexEngine,
  ) {
    // Generated filler gets no traffic: its VirtualServices are compiled once written (an event).
    for (const vs of store.listWritten
      ? store.listWritten(types.virtualService)
      : store.list(types.virtualService))
      this.compile(vs);
    if (types.httpRoute) for (const hr of store.list(types.httpRoute)) this.compileRoute(hr);
    if (types.namespace) for (const ns of store.list(types.namespace)) this.namespaceChanged(ns, true);
    this.unsubscribe = store.subscribe((ev) => this.onEvent(ev));
  }

  dispose(): void {
    this.unsubscribe();
  }

  private onEvent(ev: StoreEvent): void {
    const kind = ev.resource.kind;
    const ns = ev.object.metadata.namespace ?? '';
    if (kind === 'VirtualService' && ev.resource.group === 'networking.istio.io') {
      const key = objectKey(ns, ev.object.metadata.name);
      this.remove(key);
      if (ev.type !== 'DELETED') this.compile(ev.object);
    } else if (kind === 'HTTPRoute' && ev.resource.group === GATEWAY_GROUP) {
      this.remove(routeKey(ns, ev.object.metadata.name));
      if (ev.type !== 'DELETED') this.compileRoute(ev.object);
    } else if (kind === 'Namespace') {
      this.namespaceChanged(ev.object, ev.type !== 'DELETED');
    } else if (
      kind === 'Pod' ||
      kind === 'Service' ||
      (kind === 'DestinationRule' && ev.resource.group === 'networking.istio.io')
    ) {
      this.endpointCache.delete(ns);
    }
  }

  private namespaceChanged(ns: KubeObject, present: boolean): void {
    if (present && ns.metadata.labels?.[AMBIENT_LABEL] === 'ambient') this.ambient.add(ns.metadata.name);
    else this.ambient.delete(ns.metadata.name);
  }

  /** True for an ambient namespace: its pods have no sidecar; a waypoint reports their L7 traffic. */
  isAmbient(namespace: string): boolean {
    return this.ambient.has(namespace);
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.rejected.delete(key);
    this.wildcard.delete(old);
    for (const h of old.hosts) {
      const list = this.byHost.get(h)?.filter((e) => e !== old);
      if (list && list.length > 0) this.byHost.set(h, list);
      else this.byHost.delete(h);
    }
  }

  private compile(obj: KubeObject): void {
    const vs = obj as VirtualService;
    const namespace = vs.metadata.namespace ?? 'default';
    const key = objectKey(namespace, vs.metadata.name);
    let router: CompiledRouter;
    try {
      router = compileVirtualService(vs, { engine: this.engine });
    } catch (err) {
      this.rejected.set(key, err instanceof Error ? err.message : String(err));
      return;
    }
    const spec = vs.spec ?? {};
    const hosts = (spec.hosts ?? []).map((h) => canonicalHost(String(h), namespace));
    const gateways =
      spec.gateways && spec.gateways.length > 0
        ? spec.gateways.map((g) => gatewayKey(String(g), namespace))
        : ['mesh'];
    const timeouts = (spec.http ?? []).map((r) => parseDurationMs(r?.timeout));
    this.add({ key, namespace, hosts, gateways, router, timeouts, gatewayApi: false, rank: '' });
  }

  /** Compiles an HTTPRoute; one that fails to compile routes nothing (kept in `rejected`, key `HTTPRoute:ns/name`). */
  private compileRoute(obj: KubeObject): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const key = routeKey(namespace, obj.metadata.name);
    let router: CompiledRouter;
    try {
      router = compileHTTPRoute(obj, { engine: this.engine });
    } catch (err) {
      this.rejected.set(key, err instanceof Error ? err.message : String(err));
      return;
    }
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    const rules = Array.isArray(spec.rules)
      ? (spec.rules as Array<{ timeouts?: { request?: unknown } }>)
      : [];
    const timeouts = rules.map((r) => parseDurationMs(r?.timeouts?.request));
    const rank = `${obj.metadata.creationTimestamp ?? ''}|${namespace}/${obj.metadata.name}`;
    this.add({
      key,
      namespace,
      ...httpRouteBinding(spec, namespace),
      router,
      timeouts,
      gatewayApi: true,
      rank,
    });
  }

  private add(entry: CompiledEntry): void {
    const { key, hosts } = entry;
    this.entries.set(key, entry);
    for (const h of hosts) {
      if (h.includes('*')) this.wildcard.add(entry);
      else this.byHost.set(h, [...(this.byHost.get(h) ?? []), entry].sort(byRank));
    }
  }

  private findEntry(host: string, gateway: string): CompiledEntry | undefined {
    const bound = (e: CompiledEntry) => e.gateways.includes(gateway);
    const exact = this.byHost.get(host)?.find(bound);
    if (exact) return exact;
    for (const e of this.wildcard) if (bound(e) && e.hosts.some((h) => hostMatches(h, host))) return e;
    return undefined;
  }

  /**
   * Routes one request. `host` is the FQDN for mesh traffic, or the authority for traffic entering
   * through `gateway` ('namespace/name'). `random` draws the weighted destination.
   */
  route(host: string, request: MeshRequest, random: number, gateway = 'mesh'): RouteResult {
    const target = gateway === 'mesh' ? host : host.toLowerCase();
    const entry = this.findEntry(target, gateway);
    if (!entry) {
      // No VirtualService: the sidecar's default route spreads over every ready pod of the Service.
      if (gateway !== 'mesh')
        return { ok: false, code: 404, flags: 'NR', reason: `no VirtualService for ${host} on ${gateway}` };
      return this.toEndpoint(host, undefined, undefined);
    }
    const outcome = entry.router.route({ ...request, gateway }, random);
    if (outcome.kind === 'route') {
      const dest = canonicalHost(outcome.destination.host, entry.namespace);
      if (entry.gatewayApi) {
        const missing = this.missingBackend(dest, entry.namespace);
        if (missing) return missing;
      }
      const routed = this.toEndpoint(dest, outcome.destination.subset, entry.timeouts[outcome.ruleIndex]);
      if (!routed.ok) return routed;
      const mirrors = outcome.mirrors?.map((m) => ({
        host: canonicalHost(m.destination.host, entry.namespace),
        ...(m.destination.subset !== undefined ? { subset: m.destination.subset } : {}),
        percentage: m.percentage,
      }));
      return {
        ...routed,
        ...(mirrors && mirrors.length > 0 ? { mirrors } : {}),
        ...(outcome.setCookie !== undefined ? { setCookie: outcome.setCookie } : {}),
      };
    }
    if (outcome.kind === 'notFound') return { ok: false, code: 404, flags: 'NR', reason: outcome.message };
    if (outcome.kind === 'unavailable') {
      const service = outcome.destination
        ? this.serviceOf(canonicalHost(outcome.destination.host, entry.namespace))
        : undefined;
      return {
        ok: false,
        code: 503,
        flags: outcome.reason === 'no_healthy_upstream' ? 'UH' : 'NC',
        reason: outcome.message,
        ...(service ? { service } : {}),
      };
    }
    if (outcome.kind === 'delegate')
      return { ok: false, code: 404, flags: 'NR', reason: 'delegate VirtualServices are not simulated' };
    if (outcome.kind === 'directResponse' && outcome.reason?.startsWith('fault injection')) {
      // Envoy's fault filter answered it (flag FI) for the host asked for: no version received it.
      const service = this.serviceOf(target);
      return {
        ok: false,
        code: outcome.status,
        flags: 'FI',
        reason: outcome.reason,
        ...(service ? { service } : {}),
      };
    }
    return { ok: false, code: outcome.status, flags: '-', reason: outcome.kind };
  }

  /**
   * A backendRef to a Service that does not exist, or in another namespace that no ReferenceGrant
   * there opens to the route's namespace: Istio answers 500 for the requests sent its way.
   */
  private missingBackend(host: string, routeNamespace: string): RouteResult | undefined {
    const service = this.serviceOf(host);
    if (service && service.namespace !== routeNamespace) {
      const grants = this.types.referenceGrant
        ? this.store.list(this.types.referenceGrant, service.namespace)
        : [];
      const known = new Map([[service.namespace, grants]]);
      if (!backendRefPermitted(known, routeNamespace, service.namespace, service.name))
        return {
          ok: false,
          code: 500,
          flags: '-',
          reason: `backendRef Service ${host} not permitted: no ReferenceGrant in ${service.namespace}`,
          service,
        };
    }
    if (service && this.store.get(this.types.service, service.namespace, service.name)) return undefined;
    return {
      ok: false,
      code: 500,
      flags: '-',
      reason: `backendRef Service ${host} not found`,
      ...(service ? { service } : {}),
    };
  }

  /** Where a mirrored copy lands: a ready pod of the mirror's host and subset, as for any request. */
  mirrorEndpoint(target: MirrorTarget): RouteResult {
    return this.toEndpoint(target.host, target.subset, undefined);
  }

  private serviceOf(host: string): RoutedService | undefined {
    if (!host.endsWith(SUFFIX)) return undefined;
    const [name, namespace] = host.slice(0, -SUFFIX.length).split('.');
    if (!name || !namespace) return undefined;
    return { host, name, namespace };
  }

  private toEndpoint(host: string, subset: string | undefined, timeoutMs: number | undefined): RouteResult {
    const service = this.serviceOf(host);
    if (!service) return { ok: false, code: 503, flags: 'NC', reason: `no cluster for ${host}` };
    const endpoints = this.endpoints(service, subset);
    if (endpoints === 'no-subset') {
      return {
        ok: false,
        code: 503,
        flags: 'NC',
        service,
        reason: `subset ${subset} of ${host} is not defined in a DestinationRule`,
      };
    }
    if (endpoints.length === 0)
      return {
        ok: false,
        code: 503,
        flags: 'UH',
        service,
        reason: `no_healthy_upstream: ${host} ${subset ?? ''}`,
      };
    const rrKey = `${host}|${subset ?? ''}`;
    const n = this.roundRobin.get(rrKey) ?? 0;
    this.roundRobin.set(rrKey, n + 1);
    return {
      ok: true,
      service,
      endpoint: endpoints[n % endpoints.length] as Endpoint,
      ...(timeoutMs ? { timeoutMs } : {}),
    };
  }

  private endpoints(service: RoutedService, subset: string | undefined): Endpoint[] | 'no-subset' {
    let perNs = this.endpointCache.get(service.namespace);
    if (!perNs) {
      perNs = new Map();
      this.endpointCache.set(service.namespace, perNs);
    }
    const key = `${service.name}|${subset ?? ''}`;
    let found = perNs.get(key);
    if (!found) {
      found = this.resolveEndpoints(service, subset);
      perNs.set(key, found);
    }
    return found;
  }

  private resolveEndpoints(service: RoutedService, subset: string | undefined): Endpoint[] | 'no-subset' {
    const svc = this.store.get(this.types.service, service.namespace, service.name);
    if (!svc) return [];
    const selector = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
    let subsetLabels: Record<string, string> = {};
    if (subset) {
      const forHost = (d: KubeObject) => {
        const h = (d.spec as { host?: string } | undefined)?.host;
        return typeof h === 'string' && canonicalHost(h, d.metadata.namespace) === service.host;
      };
      // The service's own namespace first: listing every namespace's rules costs 50,000 objects at scale.
      const dr =
        this.store.list(this.types.destinationRule, service.namespace).find(forHost) ??
        this.store.list(this.types.destinationRule).find(forHost);
      const found = (
        dr?.spec as { subsets?: Array<{ name: string; labels?: Record<string, string> }> } | undefined
      )?.subsets?.find((s) => s.name === subset);
      if (!found) return 'no-subset';
      subsetLabels = found.labels ?? {};
    }
    const wanted = Object.entries({ ...selector, ...subsetLabels });
    if (Object.keys(selector).length === 0) return [];
    return (
      this.store
        .list(this.types.pod, service.namespace)
        // As an EndpointSlice: a terminating pod is no longer a ready endpoint, even while it runs.
        .filter(
          (p) =>
            isPodReady(p) &&
            p.metadata.deletionTimestamp === undefined &&
            wanted.every(([k, v]) => p.metadata.labels?.[k] === v),
        )
        .map((p) => endpointOf(p))
    );
  }
}

function byRank(a: CompiledEntry, b: CompiledEntry): number {
  return a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0;
}

function routeKey(namespace: string, name: string): string {
  return `HTTPRoute:${objectKey(namespace, name)}`;
}

export function endpointOf(pod: KubeObject): Endpoint {
  const labels = pod.metadata.labels ?? {};
  const rs = pod.metadata.ownerReferences?.find((r) => r.kind === 'ReplicaSet')?.name;
  const hash = labels[POD_TEMPLATE_HASH_LABEL];
  const workload =
    rs && hash && rs.endsWith(`-${hash}`) ? rs.slice(0, -hash.length - 1) : (rs ?? pod.metadata.name);
  const version =
    labels['service.istio.io/canonical-revision'] ??
    labels['app.kubernetes.io/version'] ??
    labels.version ??
    'unknown';
  return {
    workload,
    app:
      labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? workload,
    version,
    namespace: pod.metadata.namespace ?? 'default',
    serviceAccount: String(
      (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default',
    ),
    ...imageOf(pod),
  };
}

function imageOf(pod: KubeObject): { image?: string } {
  const image = (pod.spec as { containers?: Array<{ image?: unknown }> } | undefined)?.containers?.[0]?.image;
  return typeof image === 'string' ? { image } : {};
}
