import type { IstioMetricsRegistry, IstioRequestLabels } from '../metrics/istio-metrics-registry.ts';
import { DEMO_ENTRIES, type DemoEntry, demoService, ISTIO_NAMESPACE, profileOf } from '../seed/demo-apps.ts';
import { GATEWAY_API_ENTRIES } from '../seed/gateway-api-apps.ts';
import type { SeededRandom } from '../seed/seeded-random.ts';
import type { Endpoint, MeshRouter, MirrorTarget, RoutedService } from './mesh-router.ts';
import { propagatedHeaders, type SimulatedUser, visitorHeaders } from './request-population.ts';
import { VisitorCookies } from './visitor-cookies.ts';

/** One hop of a visit, for tests: the service and version that answered, or received a mirrored copy. */
export interface VisitHop {
  service: string;
  version: string;
  mirrored: boolean;
}

/** The calling side of a hop: a workload, or the ingress gateway. */
interface Caller {
  workload: string;
  app: string;
  version: string;
  namespace: string;
  serviceAccount: string;
}

interface HopResult {
  code: number;
  durationMs: number;
}

const INGRESS: Caller = {
  workload: 'istio-ingressgateway',
  app: 'istio-ingressgateway',
  version: 'unknown',
  namespace: ISTIO_NAMESPACE,
  serviceAccount: 'istio-ingressgateway-service-account',
};

/** One network hop's own cost on top of the callee's processing. */
const HOP_OVERHEAD_MS = 0.6;
const Z95 = 1.6448536269514722;

function principal(namespace: string, serviceAccount: string): string {
  return `spiffe://cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

export interface TrafficSimulatorDeps {
  router: MeshRouter;
  registry: IstioMetricsRegistry;
  random: SeededRandom;
  population: readonly SimulatedUser[];
  /** Requests per second sent to each entry service (productpage, shop frontend, storefront web). */
  requestsPerSecond: number;
  entries?: readonly DemoEntry[];
}

/**
 * Generates the visitors' requests and walks each through the app graph, routing every hop with
 * the mesh router and recording it as both sidecars would (reporter=source at the caller,
 * reporter=destination at the callee; a request that never reaches a pod is reported by the
 * caller only, with Envoy's response flag).
 */
export class TrafficSimulator {
  private carry = 0;
  private requestCounter = 0;
  private readonly entries: readonly DemoEntry[];
  private readonly cookies = new VisitorCookies();
  /** The visitor whose request is being walked (cookies set along the way go to their jar). */
  private sessionId: string | undefined;
  private trace: VisitHop[] | undefined;
  rate: number;

  constructor(private readonly deps: TrafficSimulatorDeps) {
    this.entries = deps.entries ?? [...DEMO_ENTRIES, ...GATEWAY_API_ENTRIES];
    this.rate = deps.requestsPerSecond;
  }

  /** Simulates `elapsedMs` of traffic: rate × elapsed requests per entry (fractions carried over). */
  tick(elapsedMs: number): number {
    this.carry += (this.rate * elapsedMs) / 1000;
    const n = Math.floor(this.carry);
    this.carry -= n;
    for (let i = 0; i < n; i++) for (const entry of this.entries) this.sendVisitorRequest(entry);
    return n * this.entries.length;
  }

  /** One visit of a given visitor (population index) to an entry service, with every hop it made. */
  visit(entryService: string, userIndex: number): VisitHop[] {
    const entry = this.entries.find((e) => e.service === entryService);
    const user = this.deps.population[userIndex];
    if (!entry || !user) throw new Error(`no entry '${entryService}' or visitor ${userIndex}`);
    this.trace = [];
    try {
      this.sendVisitorRequest(entry, user);
      return this.trace;
    } finally {
      this.trace = undefined;
    }
  }

  private sendVisitorRequest(entry: DemoEntry, chosen?: SimulatedUser): void {
    const { random, population } = this.deps;
    const user = chosen ?? (population[random.int(population.length)] as SimulatedUser);
    const id = `${(++this.requestCounter).toString(16).padStart(8, '0')}-${random.suffix(4)}`;
    const headers = visitorHeaders(user, id);
    headers.cookie = this.cookies.header(user.sessionId, headers.cookie ?? '');
    const path = random.pick(entry.paths);
    this.sessionId = user.sessionId;
    const gateway = `${entry.gatewayNamespace ?? ISTIO_NAMESPACE}/${entry.gateway}`;
    this.hop(INGRESS, entry.authority, gateway, path, headers, 0);
    this.sessionId = undefined;
  }

  /**
   * The route's mirrored copies: each is sent with its probability and answered by a pod of the
   * mirror target, whose sidecar reports it (reporter="destination") like any request; the caller's
   * sidecar does not (Istio reports no source metrics for mirrored requests, istio/istio#23496), and
   * the answer is discarded. The copy's own downstream calls are not simulated.
   */
  private mirror(caller: Caller, mirrors: readonly MirrorTarget[]): void {
    for (const m of mirrors) {
      if (this.deps.random.next() * 100 >= m.percentage) continue;
      const copy = this.deps.router.mirrorEndpoint(m);
      if (!copy.ok) continue;
      const { own, failed } = this.latency(copy.endpoint);
      this.record('destination', caller, copy.service, copy.endpoint, failed ? 503 : 200, '-', own);
      this.trace?.push({ service: copy.service.name, version: copy.endpoint.version, mirrored: true });
    }
  }

  private latency(endpoint: Endpoint): { own: number; failed: boolean } {
    const p = profileOf(endpoint.namespace, endpoint.app, endpoint.version, endpoint.image);
    const sigma = Math.log(p.p95Ms / p.medianMs) / Z95;
    const own = Math.exp(Math.log(p.medianMs) + sigma * this.deps.random.normal());
    return { own, failed: this.deps.random.next() < p.errorRate };
  }

  /** One hop from `caller` to `host`; returns what the caller sees. */
  private hop(
    caller: Caller,
    host: string,
    gateway: string,
    path: string,
    headers: Record<string, string>,
    depth: number,
  ): HopResult {
    const { router, random } = this.deps;
    const routed = router.route(
      host,
      {
        method: 'GET',
        path,
        headers,
        sourceNamespace: caller.namespace,
        sourceLabels: { app: caller.app, version: caller.version },
      },
      random.next(),
      gateway,
    );
    if (!routed.ok) {
      const durationMs = 0.2 + random.next() * 0.5;
      this.record('source', caller, routed.service, undefined, routed.code, routed.flags, durationMs);
      return { code: routed.code, durationMs };
    }
    const { endpoint, service } = routed;
    this.trace?.push({ service: service.name, version: endpoint.version, mirrored: false });
    if (routed.mirrors) this.mirror(caller, routed.mirrors);
    if (routed.setCookie !== undefined && this.sessionId !== undefined)
      this.cookies.keep(this.sessionId, routed.setCookie);
    const { own, failed } = this.latency(endpoint);
    let code = failed ? (random.next() < 0.8 ? 503 : 500) : 200;
    let durationMs = own;
    const app = demoService(endpoint.namespace, endpoint.app);
    if (app && depth < 8) {
      const forwarded = propagatedHeaders(headers, endpoint.namespace !== 'bookinfo');
      for (const call of app.calls) {
        if (call.fromVersions && !call.fromVersions.includes(endpoint.version)) continue;
        if (call.probability < 1 && random.next() >= call.probability) continue;
        const self: Caller = endpoint;
        const downstream = this.hop(
          self,
          `${call.service}.${call.namespace ?? endpoint.namespace}.svc.cluster.local`,
          'mesh',
          call.paths ? random.pick(call.paths) : '/',
          forwarded,
          depth + 1,
        );
        durationMs += downstream.durationMs;
        if (call.propagatesErrors && downstream.code >= 500 && code < 500) code = 502;
      }
    }
    this.record('destination', caller, service, endpoint, code, '-', durationMs);
    let seenCode = code;
    let seenFlags = '-';
    let seenDuration = durationMs + HOP_OVERHEAD_MS;
    if (routed.timeoutMs !== undefined && seenDuration > routed.timeoutMs) {
      seenCode = 504;
      seenFlags = 'UT';
      seenDuration = routed.timeoutMs;
    }
    this.record('source', caller, service, endpoint, seenCode, seenFlags, seenDuration);
    return { code: seenCode, durationMs: seenDuration };
  }

  /**
   * Records one request as one proxy saw it. In an ambient namespace there is no sidecar: the
   * callee's side is reported by the namespace's waypoint (reporter="waypoint"), and an ambient
   * caller reports nothing of its own.
   */
  private record(
    reporter: 'source' | 'destination',
    caller: Caller,
    service: RoutedService | undefined,
    endpoint: Endpoint | undefined,
    code: number,
    flags: string,
    durationMs: number,
  ): void {
    const unknown = 'unknown';
    const { router } = this.deps;
    if (reporter === 'source' && router.isAmbient(caller.namespace)) return;
    const waypoint =
      reporter === 'destination' && endpoint !== undefined && router.isAmbient(endpoint.namespace);
    const mtls = reporter === 'destination' && endpoint !== undefined;
    const labels: IstioRequestLabels = {
      reporter: waypoint ? 'waypoint' : reporter,
      source_workload: caller.workload,
      source_canonical_service: caller.app,
      source_canonical_revision: caller.version === unknown ? 'latest' : caller.version,
      source_workload_namespace: caller.namespace,
      source_principal: mtls ? principal(caller.namespace, caller.serviceAccount) : unknown,
      source_app: caller.app,
      source_version: caller.version,
      source_cluster: 'Kubernetes',
      destination_workload: endpoint?.workload ?? unknown,
      destination_workload_namespace: endpoint?.namespace ?? unknown,
      destination_principal: endpoint ? principal(endpoint.namespace, endpoint.serviceAccount) : unknown,
      destination_app: endpoint?.app ?? unknown,
      destination_version: endpoint?.version ?? unknown,
      destination_service: service?.host ?? unknown,
      destination_canonical_service: endpoint?.app ?? service?.name ?? unknown,
      destination_canonical_revision: endpoint?.version ?? 'latest',
      destination_service_name: service?.name ?? unknown,
      destination_service_namespace: service?.namespace ?? unknown,
      destination_cluster: endpoint ? 'Kubernetes' : unknown,
      request_protocol: 'http',
      response_code: String(code),
      grpc_response_status: '',
      response_flags: flags,
      connection_security_policy: mtls ? 'mutual_tls' : unknown,
    };
    this.deps.registry.record(labels, durationMs);
  }
}
