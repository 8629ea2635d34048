// The metrics of an HTTPRoute release: Gateway API traffic is reported under the backend Service
// actually reached (one FQDN per version), and in an ambient namespace by the waypoint
// (reporter="waypoint"), as no sidecar reports it. The queries are run on the demo's PromQL engine.

import { describe, expect, it } from 'vitest';
import { requestsQuery, targetOf } from '../../../main/core/metrics/istio-metrics-queries.ts';
import type { Labels, MetricSeries } from '../../../main/demo/metrics/istio-metrics-registry.ts';
import { MetricSampleStore } from '../../../main/demo/metrics/metric-sample-store.ts';
import { PrometheusQueryApi } from '../../../main/demo/metrics/prometheus-query-api.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { CATALOG_ROUTE_ID, storefrontCatalog } from '../../helpers/storefront-objects.ts';

const T0 = 1_700_000_000_000;
const STEP = 5000;

function promWith(series: Array<{ labels: Labels; perSecond: number }>) {
  const store = new MetricSampleStore({ intervalMs: STEP, retentionMs: 3600_000 });
  const made: MetricSeries[] = series.map((s, i) => ({
    id: i + 1,
    name: 'istio_requests_total',
    labels: s.labels,
    text: '',
  }));
  let end = T0;
  for (let t = T0; t <= T0 + 300_000; t += STEP) {
    store.append(t, (put) => {
      series.forEach((s, i) => {
        put(made[i]!, (s.perSecond * (t - T0)) / 1000);
      });
    });
    end = t;
  }
  return { api: new PrometheusQueryApi(store, re2Engine(), () => end), end };
}

const requests = (reporter: string, ns: string, service: string, version: string, perSecond: number) => ({
  labels: {
    __name__: 'istio_requests_total',
    reporter,
    destination_service: `${service}.${ns}.svc.cluster.local`,
    destination_service_name: service,
    destination_version: version,
    response_code: '200',
  },
  perSecond,
});

/** Requests per second by release version, as the metrics view maps the answer. */
function perVersion(objects: KubeObject[], id: string, series: ReturnType<typeof requests>[]) {
  const release = readReleases(objects).find((r) => r.id === id)!;
  const target = targetOf(release);
  const { api, end } = promWith(series);
  const data = api.instant(requestsQuery(target, 60), end);
  const out: Record<string, number> = {};
  for (const r of data.result as Array<{ metric: Labels; value: [number, string] }>) {
    const { version } = target.versionOf(r.metric);
    out[version] = Math.round((out[version] ?? 0) + Number(r.value[1]));
  }
  return out;
}

describe('metrics of an HTTPRoute release', () => {
  it('finds each version under its backend Service FQDN (sidecars: reporter="destination")', () => {
    const got = perVersion(storefrontCatalog(), CATALOG_ROUTE_ID, [
      requests('destination', 'storefront', 'catalog-v1', 'v1', 90),
      requests('destination', 'storefront', 'catalog-v2', 'v2', 10),
      // The caller's report of the same requests is not counted twice.
      requests('source', 'storefront', 'catalog-v1', 'v1', 90),
    ]);
    expect(got).toEqual({ 'catalog-v1': 90, 'catalog-v2': 10 });
  });

  it('finds an ambient service through its waypoint (reporter="waypoint"), where no sidecar reports', () => {
    const svc = (name: string, selector: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'ledger' },
      spec: { selector },
    });
    const objects: KubeObject[] = [
      svc('accounts', { app: 'accounts' }),
      svc('accounts-v1', { app: 'accounts', version: 'v1' }),
      svc('accounts-v2', { app: 'accounts', version: 'v2' }),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'accounts', namespace: 'ledger' },
        spec: {
          parentRefs: [{ group: '', kind: 'Service', name: 'accounts', port: 8080 }],
          rules: [
            {
              backendRefs: [
                { name: 'accounts-v1', port: 8080, weight: 80 },
                { name: 'accounts-v2', port: 8080, weight: 20 },
              ],
            },
          ],
        },
      },
    ];
    const got = perVersion(objects, 'gateway-api:ledger/accounts', [
      requests('waypoint', 'ledger', 'accounts-v1', 'v1', 80),
      requests('waypoint', 'ledger', 'accounts-v2', 'v2', 20),
    ]);
    expect(got).toEqual({ 'accounts-v1': 80, 'accounts-v2': 20 });
  });
});
