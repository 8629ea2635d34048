import { describe, expect, it } from 'vitest';
import type { Labels, MetricSeries } from '../../../main/demo/metrics/istio-metrics-registry.ts';
import { MetricSampleStore } from '../../../main/demo/metrics/metric-sample-store.ts';
import { PrometheusQueryApi } from '../../../main/demo/metrics/prometheus-query-api.ts';
import { PromQLError } from '../../../main/demo/metrics/promql-ast.ts';
import { extrapolatedRate, formatSampleValue } from '../../../main/demo/metrics/promql-functions.ts';
import { parsePromQL } from '../../../main/demo/metrics/promql-parser.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';

const T0 = 1_700_000_000_000;
const STEP = 5000;

/** A store filled with counters that grow by `perSecond(series)` per second, scraped every 5 s for 10 minutes. */
function storeWith(series: Array<{ labels: Labels; perSecond: number; resetAtMs?: number }>): {
  api: PrometheusQueryApi;
  end: number;
} {
  const store = new MetricSampleStore({ intervalMs: STEP, retentionMs: 3600_000 });
  const made: MetricSeries[] = series.map((s, i) => ({
    id: i + 1,
    name: s.labels.__name__ ?? '',
    labels: s.labels,
    text: '',
  }));
  let end = T0;
  for (let t = T0; t <= T0 + 600_000; t += STEP) {
    store.append(t, (put) =>
      series.forEach((s, i) => {
        const since = s.resetAtMs !== undefined && t >= T0 + s.resetAtMs ? T0 + s.resetAtMs : T0;
        put(made[i] as MetricSeries, (s.perSecond * (t - since)) / 1000);
      }),
    );
    end = t;
  }
  return { api: new PrometheusQueryApi(store, re2Engine(), () => end), end };
}

const req = (version: string, code: string, perSecond: number, extra: Labels = {}) => ({
  labels: {
    __name__: 'istio_requests_total',
    reporter: 'destination',
    destination_service: 'reviews.bookinfo.svc.cluster.local',
    destination_service_name: 'reviews',
    destination_service_namespace: 'bookinfo',
    destination_version: version,
    response_code: code,
    ...extra,
  },
  perSecond,
});

const bucket = (version: string, le: string, perSecond: number) => ({
  labels: {
    __name__: 'istio_request_duration_milliseconds_bucket',
    reporter: 'destination',
    destination_service_name: 'reviews',
    destination_version: version,
    le,
  },
  perSecond,
});

function vector(api: PrometheusQueryApi, query: string, time: number): Record<string, number> {
  const data = api.instant(query, time);
  expect(data.resultType).toBe('vector');
  const out: Record<string, number> = {};
  for (const r of data.result as Array<{ metric: Labels; value: [number, string] }>) {
    out[JSON.stringify(r.metric)] = Number(r.value[1]);
  }
  return out;
}

describe('PromQL parser', () => {
  it('parses every supported form', () => {
    const queries = [
      'istio_requests_total',
      'istio_requests_total{reporter="destination",destination_service=~"reviews.*",response_code!~"5..",x!="y"}',
      'rate(istio_requests_total[1m])',
      'irate(istio_requests_total[30s] offset 1m)',
      'increase(istio_requests_total[1h30m])',
      'sum by (destination_version) (rate(istio_requests_total[1m]))',
      'sum(rate(istio_requests_total[1m])) by (destination_version)',
      'avg without (pod) (x) + max(x) - min(x) * count(x)',
      'histogram_quantile(0.95, sum by (le, destination_version) (rate(istio_request_duration_milliseconds_bucket[1m])))',
      'sum(a) / on (destination_version) sum(b)',
      'sum(a) / ignoring (response_code) sum(b)',
      'a > 0 or b',
      'a > bool 1',
      'clamp_min(sum(rate(a[1m])), 0.001)',
      'scalar(sum(a)) * 100',
      '-1 + 2 ^ 3',
    ];
    for (const q of queries) expect(() => parsePromQL(q), q).not.toThrow();
  });

  it('rejects what it does not support, naming the problem and its position', () => {
    const cases: Array<[string, RegExp]> = [
      ['topk(3, a)', /function "topk" is not supported/],
      ['foo(a)', /unknown function with name "foo"/],
      ['a / on (x) group_left b', /group_left .* not supported/],
      ['rate(a)', /expected type range vector in call to function "rate", got instant vector/],
      ['sum(a[5m])', /expected type instant vector in aggregation expression/],
      ['a{b="c"', /unexpected end of input/],
      ['a[5m:1m]', /subqueries are not supported/],
      ['1 > 2', /comparisons between scalars must use BOOL modifier/],
      ['{x=""}', /at least one non-empty matcher/],
      ['', /no expression found/],
    ];
    for (const [q, message] of cases) {
      expect(() => parsePromQL(q), q).toThrow(PromQLError);
      expect(() => parsePromQL(q), q).toThrow(message);
    }
    expect(() => parsePromQL('sum(a) +')).toThrow(/^1:9: parse error/);
  });
});

describe('PromQL evaluation', () => {
  const { api, end } = storeWith([
    req('v1', '200', 8),
    req('v2', '200', 1),
    req('v2', '503', 1),
    req('v3', '200', 0.5, { reporter: 'source' }),
    bucket('v1', '10', 2),
    bucket('v1', '50', 6),
    bucket('v1', '100', 8),
    bucket('v1', '+Inf', 8),
  ]);

  it('computes rate per second and increase over the window', () => {
    const rates = vector(api, 'rate(istio_requests_total{destination_version="v1"}[1m])', end);
    expect(Object.values(rates)).toHaveLength(1);
    expect(Object.values(rates)[0]).toBeCloseTo(8, 6);
    const increase = Object.values(
      vector(api, 'increase(istio_requests_total{destination_version="v1"}[1m])', end),
    )[0];
    expect(increase).toBeCloseTo(480, 6);
    const irate = Object.values(
      vector(api, 'irate(istio_requests_total{destination_version="v2",response_code="503"}[1m])', end),
    )[0];
    expect(irate).toBeCloseTo(1, 6);
  });

  it('drops the metric name from rate results and keeps it on plain selectors', () => {
    const plain = api.instant('istio_requests_total{destination_version="v1"}', end).result as Array<{
      metric: Labels;
    }>;
    expect(plain[0]?.metric.__name__).toBe('istio_requests_total');
    const rated = api.instant('rate(istio_requests_total{destination_version="v1"}[1m])', end)
      .result as Array<{ metric: Labels }>;
    expect(rated[0]?.metric.__name__).toBeUndefined();
  });

  it('sums by a label, with regex and negative regex matchers anchored as in RE2 full match', () => {
    const byVersion = vector(
      api,
      'sum by (destination_version) (rate(istio_requests_total{destination_service=~"reviews.*"}[1m]))',
      end,
    );
    expect(byVersion['{"destination_version":"v1"}']).toBeCloseTo(8, 6);
    expect(byVersion['{"destination_version":"v2"}']).toBeCloseTo(2, 6);
    expect(byVersion['{"destination_version":"v3"}']).toBeCloseTo(0.5, 6);
    // Anchored: "review" alone does not match "reviews.bookinfo...".
    expect(vector(api, 'sum(rate(istio_requests_total{destination_service=~"review"}[1m]))', end)).toEqual(
      {},
    );
    const ok = vector(api, 'sum(rate(istio_requests_total{response_code!~"5.."}[1m]))', end);
    expect(Object.values(ok)[0]).toBeCloseTo(9.5, 6);
  });

  it('divides vectors label set by label set (the success-rate query)', () => {
    const q =
      'sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service_name="reviews",destination_service_namespace="bookinfo",response_code!~"5.."}[1m])) / sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service_name="reviews",destination_service_namespace="bookinfo"}[1m]))';
    const rate = vector(api, q, end);
    expect(rate['{"destination_version":"v1"}']).toBeCloseTo(1, 6);
    expect(rate['{"destination_version":"v2"}']).toBeCloseTo(0.5, 6);
    expect(Object.keys(rate)).toHaveLength(2);
  });

  it('matches on or ignoring the named labels only', () => {
    const on = vector(
      api,
      'sum by (destination_version, response_code) (rate(istio_requests_total{response_code="200"}[1m])) / on (destination_version) sum by (destination_version) (rate(istio_requests_total[1m]))',
      end,
    );
    expect(on).toEqual({
      '{"destination_version":"v1"}': 1,
      '{"destination_version":"v2"}': 0.5,
      '{"destination_version":"v3"}': 1,
    });
    const ignoring = vector(
      api,
      'sum by (destination_version, response_code) (rate(istio_requests_total{response_code="503"}[1m])) / ignoring (response_code) sum by (destination_version) (rate(istio_requests_total[1m]))',
      end,
    );
    expect(ignoring['{"destination_version":"v2"}']).toBeCloseTo(0.5, 6);
    const perCode = 'sum by (destination_version, response_code) (rate(istio_requests_total[1m]))';
    expect(() => api.instant(`${perCode} / on (destination_version) ${perCode}`, end)).toThrow(
      /many-to-many matching not allowed/,
    );
  });

  it('computes histogram_quantile by interpolating inside the bucket', () => {
    const q = vector(
      api,
      'histogram_quantile(0.5, sum by (le, destination_version) (rate(istio_request_duration_milliseconds_bucket[1m])))',
      end,
    );
    // rank 4 of 8: between le=10 (2) and le=50 (6) → 10 + 40 * (2/4) = 30.
    expect(q['{"destination_version":"v1"}']).toBeCloseTo(30, 6);
    const p99 = vector(
      api,
      'histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket[1m])))',
      end,
    );
    expect(Object.values(p99)[0]).toBeGreaterThan(50);
    expect(Object.values(p99)[0]).toBeLessThanOrEqual(100);
  });

  it('filters with comparisons, returns 0/1 with bool, and fills gaps with or', () => {
    const rates = 'sum by (destination_version) (rate(istio_requests_total[1m]))';
    expect(Object.keys(vector(api, `${rates} > 1`, end)).sort()).toEqual([
      '{"destination_version":"v1"}',
      '{"destination_version":"v2"}',
    ]);
    expect(Object.values(vector(api, `${rates} > bool 1`, end)).sort()).toEqual([0, 1, 1]);
    const or = vector(
      api,
      `sum by (destination_version) (rate(istio_requests_total{destination_version="v1"}[1m])) or ${rates} * 0`,
      end,
    );
    expect(or['{"destination_version":"v1"}']).toBeCloseTo(8, 6);
    expect(or['{"destination_version":"v3"}']).toBe(0);
  });

  it('applies offset, clamp_min and scalar arithmetic', () => {
    const past = vector(api, 'sum(istio_requests_total{destination_version="v1"} offset 5m)', end);
    expect(Object.values(past)[0]).toBeCloseTo(8 * 300, 6);
    const clamped = vector(
      api,
      'clamp_min(sum by (destination_version) (rate(istio_requests_total[1m])), 5)',
      end,
    );
    expect(clamped['{"destination_version":"v3"}']).toBe(5);
    expect(
      api.instant('scalar(sum(rate(istio_requests_total{destination_version="v1"}[1m]))) * 2', end),
    ).toMatchObject({ resultType: 'scalar' });
  });

  it('evaluates a range query into a matrix with a point per step', () => {
    const data = api.range(
      'sum(rate(istio_requests_total{destination_version="v1"}[1m]))',
      end - 120_000,
      end,
      30_000,
    );
    expect(data.resultType).toBe('matrix');
    const series = data.result as Array<{ values: Array<[number, string]> }>;
    expect(series).toHaveLength(1);
    expect(series[0]?.values).toHaveLength(5);
    expect(series[0]?.values[0]?.[0]).toBe((end - 120_000) / 1000);
    for (const [, v] of series[0]?.values ?? []) expect(Number(v)).toBeCloseTo(8, 6);
  });

  it('answers bad queries and parameters with a Prometheus bad_data error', () => {
    const answer = api.query(new URLSearchParams({ query: 'topk(1, x)' }));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    expect(String(answer.body.error)).toContain('topk');
    expect(
      api.queryRange(new URLSearchParams({ query: 'up', start: '10', end: '5', step: '1' })).status,
    ).toBe(400);
    expect(api.query(new URLSearchParams({ query: 'up', time: 'yesterday' })).body.error).toMatch(
      /invalid parameter "time"/,
    );
    expect(api.query(new URLSearchParams({ query: 'x{a=~"(?=x)"}' })).body.error).toMatch(
      /invalid regular expression/,
    );
  });
});

describe('rate extrapolation', () => {
  it('handles a counter reset as Prometheus does', () => {
    const { api, end } = storeWith([{ ...req('v1', '200', 4), resetAtMs: 590_000 }]);
    const rate = Object.values(vector(api, 'rate(istio_requests_total[1m])', end))[0];
    // Samples 545 s..600 s: 2180 → 2340, reset to 0 at 590 s, then 40. The drop counts as a reset
    // (+2340), not as a negative rate; growth between the last pre-reset sample and the reset is
    // lost, as in Prometheus: 200 over 55 s, extrapolated to the 60 s window.
    expect(rate).toBeCloseTo((200 * 60) / 55 / 60, 6);
  });

  it('extrapolates to the window edges only up to 110% of the sample spacing', () => {
    // Samples at 10 s..50 s of a [60s] window ending at 60 s, growing 1/s from 100.
    const points = { times: [10_000, 20_000, 30_000, 40_000, 50_000], values: [110, 120, 130, 140, 150] };
    expect(extrapolatedRate(points, 0, 60_000, false)).toBeCloseTo(60, 6);
    // A gap at the start larger than 1.1 × spacing extrapolates by half a spacing only.
    const sparse = { times: [30_000, 40_000, 50_000], values: [130, 140, 150] };
    expect(extrapolatedRate(sparse, 0, 60_000, false)).toBeCloseTo(20 + 5 + 10, 6);
  });

  it('formats values the way Prometheus does', () => {
    expect(formatSampleValue(1e-7)).toBe('0.0000001');
    expect(formatSampleValue(Number.NaN)).toBe('NaN');
    expect(formatSampleValue(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatSampleValue(0.25)).toBe('0.25');
  });
});
