import type { StandaloneDemo } from './standalone-demo.ts';

// What the mesh itself says, read behind the app's back: objects from the demo's API server and
// instant queries to its Prometheus (through the API server's service proxy, as kubectl would).

const PROMETHEUS = '/api/v1/namespaces/istio-system/services/prometheus:9090/proxy';

/** An object from the API server, or undefined when it answers 404. */
export async function readObject<T = Record<string, unknown>>(
  demo: StandaloneDemo,
  path: string,
): Promise<T | undefined> {
  const res = await demo.request('GET', path);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export interface BackendRef {
  name: string;
  port?: number;
  weight?: number;
}
export interface RouteRule {
  matches?: Array<Record<string, unknown>>;
  backendRefs?: BackendRef[];
}

/** The rules of an HTTPRoute as the API server holds them. */
export async function routeRules(
  demo: StandaloneDemo,
  namespace: string,
  name: string,
): Promise<RouteRule[]> {
  const path = `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/${name}`;
  const route = await readObject<{ spec: { rules?: RouteRule[] } }>(demo, path);
  if (!route) throw new Error(`HTTPRoute ${namespace}/${name} is not in the cluster`);
  return route.spec.rules ?? [];
}

/**
 * The catch-all rule's share per backend, in percent of the weights' sum (Gateway API weights are
 * relative; a backendRef without a weight counts 1), with the raw weights beside it.
 */
export function catchAllShares(rules: RouteRule[]): {
  percent: Record<string, number>;
  raw: Record<string, number>;
} {
  const catchAll = rules.find((r) => (r.matches ?? []).length === 0);
  const refs = catchAll?.backendRefs ?? [];
  const raw = Object.fromEntries(refs.map((r) => [r.name, r.weight ?? 1]));
  const sum = Object.values(raw).reduce((a, b) => a + b, 0);
  const percent = Object.fromEntries(
    Object.entries(raw).map(([n, w]) => [n, sum === 0 ? 0 : Math.round((1000 * w) / sum) / 10]),
  );
  return { percent, raw };
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** An instant PromQL query against the demo's Prometheus: one sample per series. */
export async function promQuery(demo: StandaloneDemo, expr: string): Promise<PromSample[]> {
  const res = await demo.request('GET', `${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  if (res.status !== 200) throw new Error(`Prometheus answered ${res.status} to ${expr}`);
  const body = (await res.json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** The sum of a query's samples (0 when no series matched). */
export const total = (samples: PromSample[]) => samples.reduce((s, x) => s + x.value, 0);

/** Requests to a set of backends as the mesh counted them, from one snapshot of the counters. */
export interface RequestTally {
  /** Every request the callers' sidecars reported. */
  requests: number;
  /** 5xx answers the callers saw. */
  callers5xx: number;
  /** 5xx answers the backends' own pods sent (their sidecars report them as reporter="destination"). */
  pods5xx: number;
  /** Requests the mesh itself failed: a response flag (NR no route, UH no healthy upstream, NC, UT…). */
  meshFailed: number;
}

/**
 * The query behind a tally: `selector` (label matchers without braces) summed by reporter, code
 * and flags, in one instant query so callers' and pods' counts come from the same scrape.
 */
export const tallyQuery = (selector: string) =>
  `sum by (reporter, response_code, response_flags) (istio_requests_total{${selector},reporter=~"source|destination"})`;

export function tallyOf(samples: PromSample[]): RequestTally {
  const t: RequestTally = { requests: 0, callers5xx: 0, pods5xx: 0, meshFailed: 0 };
  for (const { metric: m, value } of samples) {
    const is5xx = /^5/.test(m.response_code ?? '');
    if (m.reporter === 'destination') {
      if (is5xx) t.pods5xx += value;
      continue;
    }
    t.requests += value;
    if (is5xx) t.callers5xx += value;
    if ((m.response_flags ?? '-') !== '-') t.meshFailed += value;
  }
  return t;
}

/** What changed between two tallies. */
export const tallySince = (before: RequestTally, after: RequestTally): RequestTally => ({
  requests: after.requests - before.requests,
  callers5xx: after.callers5xx - before.callers5xx,
  pods5xx: after.pods5xx - before.pods5xx,
  meshFailed: after.meshFailed - before.meshFailed,
});
