import { re2Engine } from '../../lib/re2-engine.ts';
import { IstioMetricsRegistry } from '../metrics/istio-metrics-registry.ts';
import { MetricSampleStore } from '../metrics/metric-sample-store.ts';
import { meshTelemetryHandler, prometheusHttpHandler } from '../metrics/prometheus-http-handler.ts';
import { PrometheusQueryApi } from '../metrics/prometheus-query-api.ts';
import { ISTIO_NAMESPACE } from '../seed/demo-apps.ts';
import { MESH_TELEMETRY_PORT, PROMETHEUS_PORT } from '../seed/seed-objects.ts';
import { createSeededRandom } from '../seed/seeded-random.ts';
import type { ServiceProxyHandler } from '../server/service-proxy.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { createDeploymentController, type DeploymentController } from './deployment-controller.ts';
import { GatewayApiController } from './gateway-api-controller.ts';
import { ISTIOD_MONITORING_PORT, type IstiodFaults, IstiodSync, istiodHttpHandler } from './istiod-sync.ts';
import { MeshRouter } from './mesh-router.ts';
import { requestPopulation } from './request-population.ts';
import { resolveSimResourceTypes } from './sim-resource-types.ts';
import { TrafficSimulator, type VisitHop } from './traffic-simulator.ts';

export interface SimulationDeps {
  store: ObjectStore;
  registerServiceProxy: (
    ns: string,
    name: string,
    port: number | string,
    handler: ServiceProxyHandler,
  ) => unknown;
  seed: number;
  /** Generated services beyond the seeded apps; they get controllers but no traffic. */
  services: number;
  podReadyDelayMs: number;
  /** Requests per second to each entry service (productpage and the shop frontend). */
  requestsPerSecond: number;
  now?: () => number;
  /** How often traffic is generated (default 250 ms). */
  tickMs?: number;
  /** How often the demo Prometheus stores a sample of every series (default 5 s). */
  scrapeIntervalMs?: number;
  /** How long samples are kept (default 6 h). */
  retentionMs?: number;
  /** When true no timers run: tests drive the simulation with `advance()`. */
  manualClock?: boolean;
  /** The demo's fault knobs for istiod: stale proxies, hidden debug endpoints. */
  faults?: IstiodFaults;
}

export interface Simulation {
  stop(): Promise<void>;
  /** Runs controllers, traffic and scrapes for `ms` of simulated time (manual-clock mode, or to catch up in tests). */
  advance(ms: number): void;
  /** Settles the controllers now (e.g. after a test changed objects). */
  syncControllers(): void;
  setRequestsPerSecond(rps: number): void;
  readonly registry: IstioMetricsRegistry;
  readonly samples: MetricSampleStore;
  readonly prometheus: PrometheusQueryApi;
  readonly router: MeshRouter;
  readonly controller: DeploymentController;
  /** The demo istiod: which proxies have acknowledged which configuration push. */
  readonly istiod: IstiodSync;
  /** One visit of visitor `userIndex` to an entry service (`productpage`, `frontend`), hop by hop. */
  visit(entryService: string, userIndex: number): VisitHop[];
}

const DEFAULT_TICK_MS = 250;
const DEFAULT_SCRAPE_MS = 5000;
const DEFAULT_RETENTION_MS = 6 * 3600_000;

/**
 * Starts the simulated mesh on top of the demo API server's store: the Deployment/ReplicaSet/Pod
 * controllers, the Gateway API status controller, visitor traffic routed through the VirtualServices
 * and HTTPRoutes, the sidecar (and waypoint) metrics exposition
 * (mesh-telemetry:15090) and the Prometheus API (prometheus:9090).
 */
export function startSimulation(deps: SimulationDeps): Simulation {
  if (!(deps.requestsPerSecond >= 0))
    throw new Error(`startSimulation: requestsPerSecond must be >= 0, got ${deps.requestsPerSecond}`);
  if (!(deps.podReadyDelayMs >= 0))
    throw new Error(`startSimulation: podReadyDelayMs must be >= 0, got ${deps.podReadyDelayMs}`);
  const manual = deps.manualClock === true;
  let simulatedNow = deps.now ? deps.now() : Date.now();
  const now = manual ? () => simulatedNow : (deps.now ?? Date.now);
  const tickMs = deps.tickMs ?? DEFAULT_TICK_MS;
  const scrapeMs = deps.scrapeIntervalMs ?? DEFAULT_SCRAPE_MS;
  const random = createSeededRandom(deps.seed);
  const types = resolveSimResourceTypes(deps.store);
  const engine = re2Engine();

  let stopped = false;
  let syncQueued = false;
  let readinessTimer: NodeJS.Timeout | undefined;
  const runControllers = () => {
    syncQueued = false;
    if (stopped) return;
    const due = controller.sync();
    gatewayApi.sync();
    if (manual) return;
    if (readinessTimer) clearTimeout(readinessTimer);
    readinessTimer = due === undefined ? undefined : setTimeout(runControllers, Math.max(1, due));
  };
  const controller = createDeploymentController({
    store: deps.store,
    types,
    random: random.fork('controllers'),
    now,
    podReadyDelayMs: deps.podReadyDelayMs,
    onWork: () => {
      if (manual || syncQueued || stopped) return;
      syncQueued = true;
      setImmediate(runControllers);
    },
  });

  // Status of HTTPRoutes and Gateways, as Istio's gateway controller writes it.
  const gatewayApi = new GatewayApiController({
    store: deps.store,
    types,
    now,
    onWork: () => {
      if (manual || syncQueued || stopped) return;
      syncQueued = true;
      setImmediate(runControllers);
    },
  });

  const registry = new IstioMetricsRegistry();
  const samples = new MetricSampleStore({
    intervalMs: scrapeMs,
    retentionMs: deps.retentionMs ?? DEFAULT_RETENTION_MS,
  });
  const prometheus = new PrometheusQueryApi(samples, engine, now);
  const router = new MeshRouter(deps.store, types, engine);
  const traffic = new TrafficSimulator({
    router,
    registry,
    random: random.fork('traffic'),
    population: requestPopulation(deps.seed),
    requestsPerSecond: deps.requestsPerSecond,
  });

  const istiod = new IstiodSync({
    store: deps.store,
    types,
    now,
    seed: deps.seed,
    ...(deps.faults ? { faults: deps.faults } : {}),
  });

  const unmount = [
    deps.registerServiceProxy(
      ISTIO_NAMESPACE,
      'istiod',
      ISTIOD_MONITORING_PORT,
      istiodHttpHandler(istiod, deps.faults),
    ),
    deps.registerServiceProxy(
      ISTIO_NAMESPACE,
      'mesh-telemetry',
      MESH_TELEMETRY_PORT,
      meshTelemetryHandler(registry),
    ),
    deps.registerServiceProxy(
      ISTIO_NAMESPACE,
      'prometheus',
      PROMETHEUS_PORT,
      prometheusHttpHandler(prometheus),
    ),
  ];

  controller.markAll();
  controller.sync();
  gatewayApi.sync();

  let lastTraffic = now();
  let nextScrape = Math.ceil(now() / scrapeMs) * scrapeMs;
  const trafficStep = () => {
    const t = now();
    // A stalled event loop must not turn into a burst: at most a few ticks are caught up.
    const elapsed = Math.min(t - lastTraffic, tickMs * 4);
    lastTraffic = t;
    if (elapsed > 0) traffic.tick(elapsed);
    if (t >= nextScrape) {
      samples.scrape(registry, t);
      nextScrape = (Math.floor(t / scrapeMs) + 1) * scrapeMs;
    }
  };
  const timers: NodeJS.Timeout[] = [];
  if (!manual) {
    timers.push(setInterval(trafficStep, tickMs));
    for (const t of timers) t.unref?.();
    if (readinessTimer === undefined) {
      const due = controller.sync();
      if (due !== undefined) readinessTimer = setTimeout(runControllers, Math.max(1, due));
    }
  }

  return {
    registry,
    samples,
    prometheus,
    router,
    controller,
    istiod,
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      if (readinessTimer) clearTimeout(readinessTimer);
      controller.dispose();
      gatewayApi.dispose();
      router.dispose();
      istiod.dispose();
      for (const u of unmount) if (typeof u === 'function') (u as () => void)();
    },
    advance(ms: number) {
      if (!manual)
        throw new Error('advance() needs manualClock: true; a running simulation keeps its own time');
      const end = simulatedNow + ms;
      while (simulatedNow < end) {
        simulatedNow = Math.min(end, simulatedNow + tickMs);
        controller.sync();
        gatewayApi.sync();
        const elapsed = simulatedNow - lastTraffic;
        lastTraffic = simulatedNow;
        traffic.tick(elapsed);
        if (simulatedNow >= nextScrape) {
          samples.scrape(registry, simulatedNow);
          nextScrape = (Math.floor(simulatedNow / scrapeMs) + 1) * scrapeMs;
        }
      }
    },
    syncControllers() {
      controller.sync();
      gatewayApi.sync();
    },
    setRequestsPerSecond(rps: number) {
      traffic.rate = rps;
    },
    visit(entryService: string, userIndex: number) {
      return traffic.visit(entryService, userIndex);
    },
  };
}
