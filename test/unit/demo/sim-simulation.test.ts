import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulation } from '../../../main/demo/sim/simulation.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { typeOfKind } from './sim-fake-store.ts';
import { startManualSimulation } from './sim-start.ts';

const SHARES_QUERY =
  'sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service=~"reviews.*"}[WINDOW]))';

function start(seed = 1, rps = 40) {
  return startManualSimulation({
    seed,
    podReadyDelayMs: 500,
    requestsPerSecond: rps,
    scrapeIntervalMs: 1000,
  });
}

function sharesOf(sim: Simulation, window: string): Record<string, number> {
  const data = sim.prometheus.instant(SHARES_QUERY.replace('WINDOW', window), sim.samples.latestMs ?? 0);
  const rows = data.result as Array<{ metric: { destination_version: string }; value: [number, string] }>;
  const total = rows.reduce((n, r) => n + Number(r.value[1]), 0);
  return Object.fromEntries(
    rows.map((r) => [r.metric.destination_version, (100 * Number(r.value[1])) / total]),
  );
}

function scalarOf(sim: Simulation, query: string): Record<string, number> {
  const rows = sim.prometheus.instant(query, sim.samples.latestMs ?? 0).result as Array<{
    metric: Record<string, string>;
    value: [number, string];
  }>;
  return Object.fromEntries(rows.map((r) => [Object.values(r.metric).join(','), Number(r.value[1])]));
}

describe('simulated mesh traffic', () => {
  it('answers 503 UH at the gateway until the pods are ready', () => {
    const { sim } = start();
    sim.advance(250);
    const early = sim.registry.exposition();
    expect(early).toMatch(
      /reporter="source",source_workload="istio-ingressgateway".*destination_service="productpage\.bookinfo\.svc\.cluster\.local".*response_code="503".*response_flags="UH"/,
    );
    expect(early).not.toMatch(/reporter="destination"/);
    sim.advance(1000);
    expect(sim.registry.exposition()).toMatch(
      /reporter="destination",source_workload="istio-ingressgateway".*destination_workload="productpage-v1".*response_code="200"/,
    );
  });

  it('routes reviews traffic in the VirtualService shares and follows a weight change', () => {
    const { sim, store } = start();
    sim.advance(60_000);
    const before = sharesOf(sim, '1m');
    expect(Math.abs((before.v1 ?? 0) - 80)).toBeLessThan(5);
    expect(Math.abs((before.v2 ?? 0) - 10)).toBeLessThan(5);
    expect(Math.abs((before.v3 ?? 0) - 10)).toBeLessThan(5);
    const type = typeOfKind(store, 'VirtualService');
    const vs = structuredClone(store.get(type, 'bookinfo', 'reviews') as KubeObject);
    const route = (vs.spec as { http: Array<{ route: Array<{ weight?: number }> }> }).http[2]?.route ?? [];
    [40, 10, 50].forEach((w, i) => {
      (route[i] as { weight?: number }).weight = w;
    });
    store.update(vs);
    sim.advance(15_000);
    const after = sharesOf(sim, '10s');
    expect(Math.abs((after.v3 ?? 0) - 50)).toBeLessThan(7);
    expect(Math.abs((after.v1 ?? 0) - 40)).toBeLessThan(7);
  });

  it('makes reviews v3 the subtly worse canary: more 5xx and a slower p95 than v2', () => {
    const { sim } = start(2, 60);
    sim.advance(180_000);
    const errors = scalarOf(
      sim,
      'sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service_name="reviews",response_code=~"5.."}[3m])) / sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service_name="reviews"}[3m]))',
    );
    expect(errors.v3 ?? 0).toBeGreaterThan(0.008);
    expect(errors.v1 ?? 0).toBeLessThan(0.008);
    const p95 = scalarOf(
      sim,
      'histogram_quantile(0.95, sum by (le, destination_version) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_name="reviews"}[3m])))',
    );
    expect((p95.v3 ?? 0) - (p95.v2 ?? 0)).toBeGreaterThan(20);
  });

  it('is deterministic for a seed', () => {
    const a = start(9);
    const b = start(9);
    a.sim.advance(5000);
    b.sim.advance(5000);
    expect(a.sim.registry.exposition()).toBe(b.sim.registry.exposition());
    const podNames = (s: typeof a) =>
      s.store
        .list(typeOfKind(s.store, 'Pod'))
        .map((p) => p.metadata.name)
        .sort();
    expect(podNames(a)).toEqual(podNames(b));
  });
});

describe('mesh-telemetry and prometheus service proxies', () => {
  let server: Server;
  let base = '';
  let sim: Simulation;

  beforeAll(async () => {
    const started = start(3);
    sim = started.sim;
    sim.advance(30_000);
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      const [, key, subpath] = /^\/([^/]+:\d+)(\/.*)$/.exec(url) ?? [];
      const handler = started.handlers.get(decodeURIComponent(key ?? ''));
      if (!handler) res.writeHead(404).end();
      else void handler(req, res, subpath ?? '/');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await sim.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('exposes the sidecar metrics in the Prometheus text format', async () => {
    const res = await fetch(`${base}/istio-system%2Fmesh-telemetry:15090/stats/prometheus`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE istio_requests_total counter');
    expect(text).toContain('# TYPE istio_request_duration_milliseconds histogram');
    const buckets = text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('istio_request_duration_milliseconds_bucket{') &&
          l.includes('destination_workload="reviews-v1"') &&
          l.includes('reporter="destination"') &&
          l.includes('response_code="200"') &&
          l.includes('source_workload="productpage-v1"'),
      );
    expect(buckets.map((l) => /le="([^"]+)"/.exec(l)?.[1])).toEqual([
      '0.5',
      '1',
      '5',
      '10',
      '25',
      '50',
      '100',
      '250',
      '500',
      '1000',
      '2500',
      '5000',
      '10000',
      '30000',
      '60000',
      '300000',
      '600000',
      '1800000',
      '3600000',
      '+Inf',
    ]);
    const counts = buckets.map((l) => Number(l.split(' ').pop()));
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1] as number);
  });

  it('answers /api/v1/query by GET and by form POST in the Prometheus JSON format', async () => {
    const query =
      'sum by (destination_version) (rate(istio_requests_total{destination_service=~"reviews.*"}[1m]))';
    const get = await fetch(
      `${base}/istio-system%2Fprometheus:9090/api/v1/query?query=${encodeURIComponent(query)}`,
    );
    const body = (await get.json()) as {
      status: string;
      data: { resultType: string; result: Array<{ value: [number, string] }> };
    };
    expect(get.status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result).toHaveLength(3);
    expect(typeof body.data.result[0]?.value[0]).toBe('number');
    expect(typeof body.data.result[0]?.value[1]).toBe('string');
    const now = (sim.samples.latestMs ?? 0) / 1000;
    const post = await fetch(`${base}/istio-system%2Fprometheus:9090/api/v1/query_range`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query, start: String(now - 20), end: String(now), step: '5' }).toString(),
    });
    const range = (await post.json()) as {
      data: { resultType: string; result: Array<{ values: unknown[] }> };
    };
    expect(range.data.resultType).toBe('matrix');
    expect(range.data.result[0]?.values).toHaveLength(5);
  });

  it('answers an unsupported query with HTTP 400 bad_data', async () => {
    const res = await fetch(
      `${base}/istio-system%2Fprometheus:9090/api/v1/query?query=${encodeURIComponent('quantile(0.9, x)')}`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });
});
