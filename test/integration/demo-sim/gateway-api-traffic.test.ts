import { afterEach, describe, expect, it } from 'vitest';
import { seedObjects } from '../../../main/demo/seed/seed-objects.ts';
import { type Simulation, startSimulation } from '../../../main/demo/sim/simulation.ts';
import { crdObjects } from '../../../main/demo/store/crd-objects.ts';
import { MemoryObjectStore } from '../../../main/demo/store/memory-object-store.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';

const START = 1_700_000_000_000;
const CATALOG = 'catalog.storefront.svc.cluster.local';
const SEARCH = 'search.storefront.svc.cluster.local';

function start(): { store: MemoryObjectStore; sim: Simulation } {
  const store = new MemoryObjectStore();
  for (const obj of crdObjects()) store.create(obj, { manager: 'test', skipValidation: true });
  for (const obj of seedObjects({ seed: 1, services: 0 })) store.create(obj, { manager: 'test' });
  const sim = startSimulation({
    store,
    registerServiceProxy: () => undefined,
    seed: 1,
    services: 0,
    podReadyDelayMs: 500,
    requestsPerSecond: 40,
    now: () => START,
    scrapeIntervalMs: 1000,
    manualClock: true,
  });
  return { store, sim };
}

function type(store: MemoryObjectStore, apiVersion: string, kind: string) {
  const t = store.typeFor(apiVersion, kind);
  if (!t) throw new Error(`no ${kind}`);
  return t;
}

function get(
  store: MemoryObjectStore,
  apiVersion: string,
  kind: string,
  ns: string,
  name: string,
): KubeObject {
  const o = store.get(type(store, apiVersion, kind), ns, name);
  if (!o) throw new Error(`no ${kind} ${ns}/${name}`);
  return o;
}

/** Per-version request rates over the last `window` for a PromQL selector, as {version: rate}. */
function rates(sim: Simulation, selector: string, window = '30s'): Record<string, number> {
  const q = `sum by (destination_version, response_code) (rate(istio_requests_total{${selector}}[${window}]))`;
  const rows = sim.prometheus.instant(q, sim.samples.latestMs ?? 0).result as Array<{
    metric: Record<string, string>;
    value: [number, string];
  }>;
  const out: Record<string, number> = {};
  for (const r of rows) {
    const key = `${r.metric.destination_version}/${r.metric.response_code}`;
    out[key] = (out[key] ?? 0) + Number(r.value[1]);
  }
  return out;
}

/** Routes `n` mesh requests from web to `host` and counts where they landed (version or status code). */
function landings(
  sim: Simulation,
  host: string,
  n: number,
  request: { path?: string; headers?: Record<string, string> } = {},
) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = sim.router.route(
      host,
      { method: 'GET', path: request.path ?? '/', headers: request.headers ?? {} },
      (i + 0.5) / n,
    );
    const key = r.ok ? `${r.service.name}/${r.endpoint.version}` : String(r.code);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function setSearchBackends(store: MemoryObjectStore, backendRefs: unknown[]): void {
  const route = get(store, 'gateway.networking.k8s.io/v1', 'HTTPRoute', 'storefront', 'search');
  const spec = structuredClone(route.spec) as { rules: Array<{ backendRefs: unknown[] }> };
  (spec.rules[0] as { backendRefs: unknown[] }).backendRefs = backendRefs;
  store.update({ ...route, spec }, { manager: 'test' });
}

/** A new version of search: its Service (selector with the version label) and, with `pods`, its Deployment. */
function addSearchVersion(store: MemoryObjectStore, version: string, pods: boolean): void {
  const labels = { app: 'search', version };
  const service = structuredClone(get(store, 'v1', 'Service', 'storefront', 'search-v1'));
  service.metadata = { name: `search-${version}`, namespace: 'storefront', labels };
  const spec = service.spec as {
    selector: Record<string, string>;
    clusterIP?: string;
    clusterIPs?: string[];
  };
  spec.selector = labels;
  delete spec.clusterIP;
  delete spec.clusterIPs;
  store.create(service, { manager: 'test' });
  if (!pods) return;
  const deployment = structuredClone(get(store, 'apps/v1', 'Deployment', 'storefront', 'search-v1'));
  deployment.metadata = { name: `search-${version}`, namespace: 'storefront', labels };
  const dspec = deployment.spec as {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> } };
  };
  dspec.selector.matchLabels = labels;
  dspec.template.metadata.labels = labels;
  delete deployment.status;
  store.create(deployment, { manager: 'test' });
}

describe('Gateway API traffic in the demo mesh', () => {
  let sim: Simulation | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it("splits catalog's catch-all 90/10 by relative weights, and sends header and query rule requests to catalog-v2", () => {
    const started = start();
    sim = started.sim;
    sim.advance(2000);
    const catchAll = landings(sim, CATALOG, 1000);
    expect(catchAll).toEqual({ 'catalog-v1/v1': 900, 'catalog-v2/v2': 100 });
    expect(landings(sim, CATALOG, 200, { headers: { 'x-canary': 'always' } })).toEqual({
      'catalog-v2/v2': 200,
    });
    expect(landings(sim, CATALOG, 200, { path: '/items?beta=1' })).toEqual({ 'catalog-v2/v2': 200 });
    // The same through the simulated visitors and the demo's Prometheus: near 90/10 with the rules' share on top.
    sim.advance(30_000);
    const measured = rates(sim, 'reporter="destination",destination_service_name=~"catalog-v.*"');
    const v1 = measured['v1/200'] ?? 0;
    const v2 = measured['v2/200'] ?? 0;
    expect(v1).toBeGreaterThan(0);
    const v2Share = v2 / (v1 + v2);
    // A quarter of web's calls carry ?beta=1 (all to v2); the catch-all rest is 90/10: 0.25 + 0.75 × 0.1 = 0.325.
    expect(v2Share).toBeGreaterThan(0.27);
    expect(v2Share).toBeLessThan(0.38);
  });

  it('reports per-version metrics with the backend Service, app and version labels', () => {
    const started = start();
    sim = started.sim;
    sim.advance(20_000);
    const text = sim.registry.exposition();
    expect(text).toMatch(
      /reporter="destination".*destination_version="v2".*destination_service="catalog-v2\.storefront\.svc\.cluster\.local".*destination_canonical_service="catalog".*destination_service_name="catalog-v2"/,
    );
    expect(text).toMatch(/reporter="destination".*destination_service_name="web-v1".*response_code="200"/);
  });

  it('reports ledger accounts traffic from the waypoint, never as reporter="destination"', () => {
    const started = start();
    sim = started.sim;
    sim.advance(30_000);
    const waypoint = rates(sim, 'reporter="waypoint",destination_service_namespace="ledger"');
    expect((waypoint['v1/200'] ?? 0) + (waypoint['v2/200'] ?? 0)).toBeGreaterThan(0);
    expect(waypoint['v2/200'] ?? 0).toBeGreaterThan(0);
    expect(rates(sim, 'reporter="destination",destination_service_namespace="ledger"')).toEqual({});
    // web's sidecar still reports its side of the call.
    expect(
      Object.keys(rates(sim, 'reporter="source",destination_service_namespace="ledger"')).length,
    ).toBeGreaterThan(0);
  });

  it("fails requests when search's route gets a backendRef to a Service with no ready pods, not when it waits", () => {
    const started = start();
    sim = started.sim;
    const { store } = started;
    sim.advance(2000);
    // The new version's Deployment and Service exist, its pods are not ready yet (500 ms ready delay).
    addSearchVersion(store, 'v2', true);
    sim.syncControllers();

    // Too early: a backendRef to search-v2 before its pods are ready fails the requests sent there.
    setSearchBackends(store, [
      { name: 'search-v1', port: 8080, weight: 1 },
      { name: 'search-v2', port: 8080, weight: 1 },
    ]);
    const early = landings(sim, SEARCH, 100);
    expect(early['503']).toBe(50);
    expect(early['search-v1/v1']).toBe(50);

    // Waiting for the endpoints: once ready, nothing fails.
    sim.advance(2000);
    const ready = landings(sim, SEARCH, 100);
    expect(ready).toEqual({ 'search-v1/v1': 50, 'search-v2/v2': 50 });

    // A backendRef to a Service that does not exist: 500, as Istio answers.
    setSearchBackends(store, [
      { name: 'search-v1', port: 8080, weight: 3 },
      { name: 'search-v9', port: 8080, weight: 1 },
    ]);
    expect(landings(sim, SEARCH, 100)).toEqual({ 'search-v1/v1': 75, '500': 25 });
    // Every weight 0: every request 500.
    setSearchBackends(store, [{ name: 'search-v1', port: 8080, weight: 0 }]);
    expect(landings(sim, SEARCH, 10)).toEqual({ '500': 10 });
  });

  it('answers 500 for a backendRef into another namespace until a ReferenceGrant there permits it', () => {
    const started = start();
    sim = started.sim;
    const { store } = started;
    sim.advance(5000);
    const accounts = store
      .list(type(store, 'v1', 'Service'), 'ledger')
      .find((svc) => (svc.spec as { selector?: Record<string, string> }).selector?.app === 'accounts');
    if (!accounts) throw new Error('no accounts Service in ledger');
    setSearchBackends(store, [
      { name: 'search-v1', port: 8080, weight: 1 },
      { name: accounts.metadata.name, namespace: 'ledger', port: 8080, weight: 1 },
    ]);
    expect(landings(sim, SEARCH, 100)).toEqual({ 'search-v1/v1': 50, '500': 50 });
    store.create(
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name: 'storefront-routes', namespace: 'ledger' },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'storefront' }],
          to: [{ group: '', kind: 'Service' }],
        },
      },
      { manager: 'test' },
    );
    const granted = landings(sim, SEARCH, 100);
    expect(granted['search-v1/v1']).toBe(50);
    expect(granted['500']).toBeUndefined();
  });

  it('shows failed requests in the metrics for a backendRef added before its pods are ready, none when it waits', () => {
    const started = start();
    sim = started.sim;
    const { store } = started;
    sim.advance(5000);
    // Requests that never reached a pod (503 UH, or 500 for a missing Service), as web's sidecar reports them.
    const unrouted = () =>
      Object.values(
        rates(
          sim as Simulation,
          'reporter="source",destination_service_name=~"search.*",destination_workload="unknown"',
          '10s',
        ),
      ).reduce((a, b) => a + b, 0);
    // Waits: search-v2's Deployment and Service first, its pods ready, then the backendRef.
    addSearchVersion(store, 'v2', true);
    sim.advance(3000);
    setSearchBackends(store, [
      { name: 'search-v1', port: 8080, weight: 1 },
      { name: 'search-v2', port: 8080, weight: 1 },
    ]);
    sim.advance(10_000);
    expect(unrouted()).toBe(0);
    expect(
      rates(sim, 'reporter="destination",destination_service_name="search-v2"', '10s')['v2/200'],
    ).toBeGreaterThan(0);
    // Too early: search-v3's Service exists, no pod of it is ready, and the backendRef is added at once.
    addSearchVersion(store, 'v3', false);
    setSearchBackends(store, [
      { name: 'search-v1', port: 8080, weight: 1 },
      { name: 'search-v3', port: 8080, weight: 1 },
    ]);
    sim.advance(10_000);
    expect(unrouted()).toBeGreaterThan(0);
  });

  it('merges two HTTPRoutes on one parent Service as Gateway API says: the older, then by name, wins', () => {
    const started = start();
    sim = started.sim;
    sim.advance(2000);
    const search = get(started.store, 'gateway.networking.k8s.io/v1', 'HTTPRoute', 'storefront', 'search');
    const later = structuredClone(search);
    later.metadata = { name: 'zz-search', namespace: 'storefront' };
    (later.spec as { rules: unknown[] }).rules = [{ backendRefs: [{ name: 'search-v9', port: 8080 }] }];
    delete later.status;
    started.store.create(later, { manager: 'test' });
    // search is older (or as old, and first by name): its rule still decides.
    expect(landings(sim, SEARCH, 20)).toEqual({ 'search-v1/v1': 20 });
    // A change to search re-compiles it; it keeps its precedence.
    setSearchBackends(started.store, [{ name: 'search-v1', port: 8080, weight: 2 }]);
    expect(landings(sim, SEARCH, 20)).toEqual({ 'search-v1/v1': 20 });
    started.store.delete(
      type(started.store, 'gateway.networking.k8s.io/v1', 'HTTPRoute'),
      'storefront',
      'search',
    );
    expect(landings(sim, SEARCH, 20)).toEqual({ '500': 20 });
  });
});
