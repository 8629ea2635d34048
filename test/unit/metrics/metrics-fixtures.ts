import type { PrometheusClient, RangeSeries } from '../../../main/core/metrics/prometheus-client.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';

const HOST = 'reviews.bookinfo.svc.cluster.local';
const BOUNDS = ['5', '10', '25', '50', '100', '250', '500', '1000', '+Inf'];

/** A release of `versions` with the first holding most of the default route. */
export function fakeRelease(versions: string[], percents: number[]): ServiceRelease {
  return {
    id: `istio:bookinfo/${HOST}`,
    flavor: 'istio',
    namespace: 'bookinfo',
    host: HOST,
    hosts: ['reviews'],
    versions: versions.map((name) => ({
      name,
      host: 'reviews',
      fqdn: HOST,
      subset: name,
      labels: { version: name },
      origin: 'subset',
      declared: true,
      deployments: [`reviews-${name}`],
    })),
    defaultRoute: {
      index: 0,
      pointer: '/spec/http/0',
      destinations: versions.map((version, i) => ({
        version,
        rawWeight: percents[i] ?? 0,
        weight: percents[i] ?? 0,
        pointer: `/spec/http/0/route/${i}`,
      })),
    },
    rules: [],
    disabledRules: [],
    otherRoutes: [],
    mirrors: [],
    route: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'bookinfo',
      name: 'reviews',
    },
    sources: [],
    editable: true,
    readOnlyReasons: [],
  };
}

export interface VersionBehaviour {
  rps: number;
  /** Share of 5xx. */
  errors: number;
  /** Cumulative shares per bucket bound in BOUNDS order. */
  latency: number[];
}

/** A Prometheus client that answers the two metrics queries from fixed behaviours per version. */
export function fakePrometheus(
  behaviour: Record<string, VersionBehaviour>,
): PrometheusClient & { exprs: string[] } {
  const exprs: string[] = [];
  const times = (start: number, end: number, step: number) => {
    const out: number[] = [];
    for (let t = start; t <= end; t += step) out.push(t);
    return out;
  };
  return {
    description: 'fake Prometheus',
    exprs,
    get queriesSent() {
      return exprs.length;
    },
    async instant() {
      throw new Error('the metrics view asks range queries only');
    },
    async range(expr, start, end, step): Promise<RangeSeries[]> {
      exprs.push(expr);
      const ts = times(start, end, step);
      const out: RangeSeries[] = [];
      for (const [version, b] of Object.entries(behaviour)) {
        const labels = {
          destination_service: 'reviews.bookinfo.svc.cluster.local',
          destination_version: version,
          destination_canonical_revision: version,
        };
        if (expr.includes('istio_requests_total')) {
          out.push({
            metric: { ...labels, response_code: '200' },
            points: ts.map((t) => [t, b.rps * (1 - b.errors)]),
          });
          out.push({
            metric: { ...labels, response_code: '503' },
            points: ts.map((t) => [t, b.rps * b.errors]),
          });
        } else {
          BOUNDS.forEach((le, i) => {
            out.push({ metric: { ...labels, le }, points: ts.map((t) => [t, b.rps * (b.latency[i] ?? 1)]) });
          });
        }
      }
      return out;
    },
  };
}

export const FAST = [0.1, 0.3, 0.8, 0.97, 0.995, 1, 1, 1, 1];
export const SLOW = [0.05, 0.2, 0.6, 0.85, 0.97, 1, 1, 1, 1];
