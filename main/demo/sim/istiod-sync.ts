// The demo's istiod, as far as proxy status goes: every ready pod with a sidecar (namespaces with
// istio-injection=enabled), every ingress gateway pod and every waypoint pod is a connected proxy;
// the pods of an ambient namespace (istio.io/dataplane-mode=ambient, no injection) have no proxy of
// their own. A change to a routing
// object starts a full push (CDS, LDS, RDS, EDS), a Pod change an endpoints-only push; each proxy
// acknowledges a push 0.3-1.5 s later (seeded), unless a fault keeps it stale. `/debug/syncz` on
// istiod:15014 answers the shape istiod's debug endpoint has: one entry per proxy with the nonce
// sent and the nonce acknowledged per xDS type, each nonce being the push version (RFC 3339 time
// "/" push counter) followed by a UUID.
//
// Acknowledgements are settled when read (no timers), so a manual-clock simulation works too.

import { ISTIOD_MONITORING_PORT } from '../seed/seed-objects.ts';
import { hashString } from '../seed/seeded-random.ts';
import type { ServiceProxyHandler } from '../server/service-proxy.ts';
import type { KubeObject, ObjectStore, StoreEvent } from '../store/object-store.ts';
import { KeptSyncz } from './kept-syncz.ts';
import { isPodReady } from './replica-set-pods.ts';
import type { SimResourceTypes } from './sim-resource-types.ts';

export const DEMO_ISTIO_VERSION = '1.27.1';
/** Shortest and longest time a proxy takes to acknowledge a push (ms). */
export const ACK_DELAY_MS = { min: 300, max: 1500 } as const;
/** Changes this close to the last push wait for the next one (istiod's PILOT_DEBOUNCE_AFTER). */
const DEBOUNCE_MS = 100;

type XdsType = 'cluster' | 'listener' | 'route' | 'endpoint';
const XDS_TYPES: XdsType[] = ['cluster', 'listener', 'route', 'endpoint'];
const FULL_PUSH: XdsType[] = XDS_TYPES;

/** One push of configuration to every connected proxy. */
interface Push {
  version: string;
  at: number;
}

/** The pushes of one xDS type: the newest one every proxy has surely acknowledged, and the later ones. */
interface PushLog {
  settled?: Push;
  recent: Push[];
}

interface Proxy {
  id: string;
  namespace: string;
  type: 'sidecar' | 'router';
  /** The configuration it was sent when it connected. */
  connect: Push;
  /** While a fault keeps it stale: what it had acknowledged per type when it went stale. */
  frozen?: Map<XdsType, Push | undefined>;
}

/** What istiod's /debug/syncz answers per proxy (JSON names as istiod writes them; empty ones left out). */
export interface SyncStatusJson {
  cluster_id: string;
  proxy: string;
  proxy_type: string;
  istio_version: string;
  cluster_sent?: string;
  cluster_acked?: string;
  listener_sent?: string;
  listener_acked?: string;
  route_sent?: string;
  route_acked?: string;
  endpoint_sent?: string;
  endpoint_acked?: string;
}

/**
 * What may have changed istiod's syncz entries (other than time passing): every proxy's (a push, as
 * all are sent it), or one proxy's (it connected, left, or a stale fault took or released it).
 */
export type SynczChange =
  | { all: true }
  | { all: false; id: string; namespace: string /** Connected after the change. */; connected: boolean };

export interface IstiodFaults {
  /** Proxy ids (or their leading part, e.g. a pod name prefix) that acknowledge no further push. */
  staleProxies(): readonly string[];
  /** True when the debug endpoints are switched off (ENABLE_DEBUG_ON_HTTP=false): 404. */
  debugHidden(): boolean;
}

export interface IstiodDeps {
  store: ObjectStore;
  types: SimResourceTypes;
  now: () => number;
  seed: number;
  faults?: IstiodFaults;
}

const ROUTING_KINDS = new Set(['VirtualService', 'DestinationRule', 'Gateway', 'HTTPRoute', 'ServiceEntry']);

/**
 * Pushes are kept per xDS type, not per proxy: a push costs O(1) however many proxies there are
 * (50,000 at scale), and each proxy's sent and acknowledged nonces are worked out when read, from
 * a delay drawn (seeded) per push and proxy.
 */
export class IstiodSync {
  private readonly proxies = new Map<string, Proxy>();
  /** Ids of the proxies a stale fault holds. */
  private readonly frozen = new Set<string>();
  private readonly injected = new Set<string>();
  private readonly logs = new Map<XdsType, PushLog>(XDS_TYPES.map((t) => [t, { recent: [] }]));
  private pushCount = 0;
  private current: Push;
  private readonly unsubscribe: () => void;
  private readonly listeners = new Set<(change: SynczChange) => void>();

  constructor(private readonly deps: IstiodDeps) {
    this.current = this.newPush();
    for (const ns of deps.store.list(this.namespaceType()))
      if (ns.metadata.labels?.['istio-injection'] === 'enabled') this.injected.add(ns.metadata.name);
    // One parsed pod at a time: a list of all 50,000 left ~300 MB of parsed pods for a later full
    // collection, and the demo's RSS at ready read ~500 MB.
    deps.store.forEach(deps.types.pod, (pod) => this.podChanged(pod, false));
    this.unsubscribe = deps.store.subscribe((ev) => this.onEvent(ev));
  }

  dispose(): void {
    this.unsubscribe();
  }

  /** Told what may have changed in the syncz entries (kept-syncz.ts keeps them up to date). */
  onChange(listener: (change: SynczChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: SynczChange): void {
    for (const l of this.listeners) l(change);
  }

  now(): number {
    return this.deps.now();
  }

  /** The connected proxies' ids and namespaces. */
  connected(): Array<{ id: string; namespace: string }> {
    return [...this.proxies.values()].map((p) => ({ id: p.id, namespace: p.namespace }));
  }

  /** Applies the stale fault as it is now: the proxies it names stop acknowledging, cleared ones catch up. */
  applyFaults(): void {
    this.freezeStale();
  }

  /** The current push version, e.g. "2026-12-05T08:00:01Z/7". */
  get pushVersion(): string {
    return this.current.version;
  }

  private namespaceType() {
    const type = this.deps.store.typeFor('v1', 'Namespace');
    if (!type) throw new Error('demo istiod: the object store does not serve Namespaces');
    return type;
  }

  private newPush(at = this.deps.now()): Push {
    this.pushCount++;
    const time = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { version: `${time}/${this.pushCount}`, at };
  }

  /** istiod's nonce: the push version and a UUID (here derived from the seed, push, proxy and type). */
  private nonce(push: Push, proxy: Proxy, type: XdsType): string {
    let h = hashString(`${this.deps.seed}|${push.version}|${proxy.id}|${type}`);
    let hex = '';
    while (hex.length < 32) {
      h = hashString(hex, h);
      hex += h.toString(16).padStart(8, '0');
    }
    return `${push.version}${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** When `proxy` acknowledges `push`: 0.3-1.5 s after it, seeded per push and proxy. */
  private ackAt(push: Push, proxy: Proxy, memo?: Map<Push, number>): number {
    const known = memo?.get(push);
    if (known !== undefined) return known;
    const at = this.ackTime(push, proxy);
    memo?.set(push, at);
    return at;
  }

  private ackTime(push: Push, proxy: Proxy): number {
    const share = hashString(`${this.deps.seed}|ack|${push.version}|${proxy.id}`) / 0x1_0000_0000;
    return push.at + ACK_DELAY_MS.min + share * (ACK_DELAY_MS.max - ACK_DELAY_MS.min);
  }

  private onEvent(ev: StoreEvent): void {
    const kind = ev.resource.kind;
    if (kind === 'Namespace') {
      if (ev.type !== 'DELETED' && ev.object.metadata.labels?.['istio-injection'] === 'enabled')
        this.injected.add(ev.object.metadata.name);
      else this.injected.delete(ev.object.metadata.name);
    } else if (kind === 'Pod') {
      this.podChanged(ev.object, ev.type !== 'DELETED');
    } else if (ROUTING_KINDS.has(kind) || kind === 'Service') {
      this.push(FULL_PUSH);
    }
  }

  private proxyTypeOf(pod: KubeObject): Proxy['type'] | undefined {
    const labels = pod.metadata.labels ?? {};
    if (labels.istio === 'ingressgateway' || labels.istio === 'egressgateway') return 'router';
    // A waypoint (a Gateway of class istio-waypoint) is an Envoy router like a gateway.
    if (labels['gateway.networking.k8s.io/gateway-name'] !== undefined) return 'router';
    if (this.injected.has(pod.metadata.namespace ?? '')) return 'sidecar';
    return undefined;
  }

  private podChanged(pod: KubeObject, pushEndpoints: boolean): void {
    const namespace = pod.metadata.namespace ?? 'default';
    const id = `${pod.metadata.name}.${namespace}`;
    const type = this.proxyTypeOf(pod);
    const connected = type !== undefined && isPodReady(pod) && !pod.metadata.deletionTimestamp;
    const had = this.proxies.has(id);
    if (connected && !had) {
      // A new proxy connects and is sent the current configuration at once.
      this.proxies.set(id, {
        id,
        namespace,
        type,
        connect: { version: this.current.version, at: this.deps.now() },
      });
    } else if (!connected && had) {
      this.proxies.delete(id);
      this.frozen.delete(id);
    }
    if (connected !== had) this.changed({ all: false, id, namespace, connected });
    if (pushEndpoints && connected !== had) this.push(['endpoint']);
  }

  /**
   * A push of the current configuration of `types` to every connected proxy. As istiod debounces
   * (PILOT_DEBOUNCE_AFTER, 100 ms), changes within 100 ms of the last push go out together in one
   * push 100 ms after it: a burst of pod changes at scale is a few pushes, not thousands.
   */
  private push(types: XdsType[]): void {
    this.freezeStale();
    const now = this.deps.now();
    const pending = this.current.at > now ? this.current : undefined;
    const push = pending ?? this.newPush(Math.max(now, this.current.at + DEBOUNCE_MS));
    this.current = push;
    const horizon = now - ACK_DELAY_MS.max;
    for (const t of types) {
      const log = this.logs.get(t) as PushLog;
      if (log.recent.at(-1) !== push) log.recent.push(push);
      // Pushes older than the longest delay are acknowledged everywhere: only the newest is kept.
      while ((log.recent[0]?.at ?? Number.POSITIVE_INFINITY) < horizon) log.settled = log.recent.shift();
    }
    this.changed({ all: true });
  }

  private isStale(proxy: Proxy, stale: readonly string[]): boolean {
    return stale.some((s) => s !== '' && proxy.id.startsWith(s));
  }

  /** Proxies a fault has just made stale keep what they acknowledged until now; cleared ones thaw. */
  private freezeStale(): void {
    const stale = this.deps.faults?.staleProxies() ?? [];
    // Without the fault, and nothing frozen, there is nothing to do (a push stays O(1) at scale).
    if (stale.length === 0 && this.frozen.size === 0) return;
    const now = this.deps.now();
    for (const proxy of this.proxies.values()) {
      if (!this.isStale(proxy, stale)) {
        if (!proxy.frozen) continue;
        proxy.frozen = undefined;
        this.frozen.delete(proxy.id);
      } else if (!proxy.frozen) {
        proxy.frozen = new Map(XDS_TYPES.map((t) => [t, this.ackedPush(proxy, t, now)]));
        this.frozen.add(proxy.id);
      } else continue;
      this.changed({ all: false, id: proxy.id, namespace: proxy.namespace, connected: true });
    }
  }

  private sentPush(proxy: Proxy, type: XdsType, now: number): Push {
    const log = this.logs.get(type) as PushLog;
    // The newest push already sent (a debounced one may still be due).
    const last = log.recent.findLast((p) => p.at <= now) ?? log.settled;
    return last && last.at >= proxy.connect.at && last.version !== proxy.connect.version
      ? last
      : proxy.connect;
  }

  private ackedPush(proxy: Proxy, type: XdsType, now: number, memo?: Map<Push, number>): Push | undefined {
    if (proxy.frozen) return proxy.frozen.get(type);
    const log = this.logs.get(type) as PushLog;
    // Newest first: the recent pushes, then the settled one; none older than the connection.
    for (let i = log.recent.length; i >= 0; i--) {
      const push = i === 0 ? log.settled : log.recent[i - 1];
      if (!push || push.at < proxy.connect.at) break;
      if (this.ackAt(push, proxy, memo) <= now) return push;
    }
    return this.connectAcked(proxy, now, memo);
  }

  private connectAcked(proxy: Proxy, now: number, memo?: Map<Push, number>): Push | undefined {
    return this.ackAt(proxy.connect, proxy, memo) <= now ? proxy.connect : undefined;
  }

  /** One proxy's syncz entry at `now`; undefined when it is not connected. */
  entry(id: string, now = this.deps.now()): SyncStatusJson | undefined {
    const proxy = this.proxies.get(id);
    return proxy && this.entryOf(proxy, now, new Map());
  }

  /**
   * A proxy's entry at `now`, and until when it stays so as time passes (a change, a fault or a
   * connection aside, which onChange tells): the next debounced push going out, or the next
   * acknowledgement due of a push it was sent; Infinity when nothing is due.
   */
  entryUntil(id: string, now = this.deps.now()): { entry: SyncStatusJson; until: number } | undefined {
    const proxy = this.proxies.get(id);
    if (!proxy) return undefined;
    const memo = new Map<Push, number>();
    return { entry: this.entryOf(proxy, now, memo), until: this.stableUntilOf(proxy, now, memo) };
  }

  private entryOf(proxy: Proxy, now: number, memo: Map<Push, number>): SyncStatusJson {
    const entry: SyncStatusJson = {
      cluster_id: 'Kubernetes',
      proxy: proxy.id,
      proxy_type: proxy.type,
      istio_version: DEMO_ISTIO_VERSION,
    };
    for (const t of XDS_TYPES) {
      const sent = this.sentPush(proxy, t, now);
      const sentNonce = this.nonce(sent, proxy, t);
      entry[`${t}_sent`] = sentNonce;
      const acked = this.ackedPush(proxy, t, now, memo);
      if (acked) entry[`${t}_acked`] = acked === sent ? sentNonce : this.nonce(acked, proxy, t);
    }
    return entry;
  }

  private stableUntilOf(proxy: Proxy, now: number, memo: Map<Push, number>): number {
    let until = Number.POSITIVE_INFINITY;
    const due = (at: number) => {
      if (at > now && at < until) until = at;
    };
    const acks = !proxy.frozen;
    if (acks) due(this.ackAt(proxy.connect, proxy, memo));
    for (const log of this.logs.values()) {
      for (const push of log.recent) {
        due(push.at);
        if (acks && push.at >= proxy.connect.at) due(this.ackAt(push, proxy, memo));
      }
      if (acks && log.settled && log.settled.at >= proxy.connect.at)
        due(this.ackAt(log.settled, proxy, memo));
    }
    return until;
  }

  /**
   * istiod's /debug/syncz body, computed afresh, optionally for one namespace's proxies
   * (`?namespace=`); ordered by namespace, then proxy. The HTTP endpoint serves kept-syncz.ts's.
   */
  syncz(namespace?: string): SyncStatusJson[] {
    this.freezeStale();
    const now = this.deps.now();
    const out: SyncStatusJson[] = [];
    const proxies = [...this.proxies.values()].filter((p) => !namespace || p.namespace === namespace);
    proxies.sort((a, b) => byNamespaceThenId(a, b));
    for (const proxy of proxies) out.push(this.entry(proxy.id, now) as SyncStatusJson);
    return out;
  }
}

export { ISTIOD_MONITORING_PORT };

/** syncz's order: by namespace, then by proxy id. */
export function byNamespaceThenId(
  a: { id: string; namespace: string },
  b: { id: string; namespace: string },
): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** istiod:15014 through the service proxy: `/debug/syncz` (kept, see kept-syncz.ts), `/ready`; 404 for the rest. */
export function istiodHttpHandler(istiod: IstiodSync, faults?: IstiodFaults): ServiceProxyHandler {
  const kept = new KeptSyncz(istiod);
  return (req, res, subpath) => {
    const url = new URL(subpath || '/', 'http://istiod.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    if (path === '/ready') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end();
      return;
    }
    if (path === '/debug/syncz' && !faults?.debugHidden()) {
      // Compact JSON, as istiod writes it; `?namespace=` narrows it to one namespace's proxies.
      const body = kept.body(url.searchParams.get('namespace') || undefined);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  };
}
