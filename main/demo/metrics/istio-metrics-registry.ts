/**
 * The simulated sidecars' standard metrics: `istio_requests_total` and the
 * `istio_request_duration_milliseconds` histogram, with Istio's label names in the order the proxy
 * emits them. One registry stands for every sidecar of the mesh (the `reporter` label and the
 * workload labels tell them apart), so one exposition covers the whole simulated mesh.
 */

export type Labels = Record<string, string>;

/** Istio's default buckets for istio_request_duration_milliseconds. */
export const DURATION_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
] as const;

export const REQUESTS_TOTAL = 'istio_requests_total';
export const REQUEST_DURATION = 'istio_request_duration_milliseconds';

export const ISTIO_LABEL_NAMES = [
  'reporter',
  'source_workload',
  'source_canonical_service',
  'source_canonical_revision',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_service_name',
  'destination_service_namespace',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;

export type IstioLabelName = (typeof ISTIO_LABEL_NAMES)[number];
export type IstioRequestLabels = Record<IstioLabelName, string>;

/** One scraped series: a metric name plus labels, with a stable id for the sample store. */
export interface MetricSeries {
  readonly id: number;
  readonly name: string;
  /** Includes `__name__`, as PromQL sees it. */
  readonly labels: Readonly<Labels>;
  /** `name{label="value",...}` as written in the text exposition. */
  readonly text: string;
}

interface RequestSeries {
  total: MetricSeries;
  count: number;
  buckets: MetricSeries[];
  bucketCounts: Float64Array;
  sumSeries: MetricSeries;
  countSeries: MetricSeries;
  durationSum: number;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The exposition spelling of a bucket bound: Prometheus writes +Inf and plain decimals. */
export function formatBound(bound: number): string {
  return bound === Number.POSITIVE_INFINITY ? '+Inf' : String(bound);
}

export class IstioMetricsRegistry {
  private readonly series = new Map<string, RequestSeries>();
  private nextId = 1;

  /** Counts one request seen by one sidecar, with its duration. */
  record(labels: IstioRequestLabels, durationMs: number): void {
    let key = '';
    for (const name of ISTIO_LABEL_NAMES) key += `${labels[name]}\u0000`;
    let s = this.series.get(key);
    if (!s) {
      s = this.create(labels);
      this.series.set(key, s);
    }
    s.count++;
    s.durationSum += durationMs;
    let i = 0;
    while (i < DURATION_BUCKETS_MS.length && durationMs > (DURATION_BUCKETS_MS[i] as number)) i++;
    (s.bucketCounts as Float64Array)[i] = (s.bucketCounts[i] ?? 0) + 1;
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** Every current sample, histogram buckets cumulative as exposed. */
  collect(cb: (series: MetricSeries, value: number) => void): void {
    for (const s of this.series.values()) {
      cb(s.total, s.count);
      let cumulative = 0;
      for (let i = 0; i < s.buckets.length; i++) {
        cumulative += s.bucketCounts[i] ?? 0;
        cb(s.buckets[i] as MetricSeries, cumulative);
      }
      cb(s.sumSeries, s.durationSum);
      cb(s.countSeries, s.count);
    }
  }

  /** The Prometheus text exposition (format 0.0.4) of every series. */
  exposition(): string {
    const counters: string[] = [];
    const histograms: string[] = [];
    for (const s of this.series.values()) {
      counters.push(`${s.total.text} ${s.count}`);
      let cumulative = 0;
      for (let i = 0; i < s.buckets.length; i++) {
        cumulative += s.bucketCounts[i] ?? 0;
        histograms.push(`${(s.buckets[i] as MetricSeries).text} ${cumulative}`);
      }
      histograms.push(`${s.sumSeries.text} ${s.durationSum}`, `${s.countSeries.text} ${s.count}`);
    }
    return [
      `# HELP ${REQUESTS_TOTAL} Total requests.`,
      `# TYPE ${REQUESTS_TOTAL} counter`,
      ...counters,
      `# HELP ${REQUEST_DURATION} Request duration in milliseconds.`,
      `# TYPE ${REQUEST_DURATION} histogram`,
      ...histograms,
      '',
    ].join('\n');
  }

  private makeSeries(name: string, labels: Labels, extra?: [string, string]): MetricSeries {
    const all: Labels = { __name__: name };
    const parts: string[] = [];
    for (const [k, v] of Object.entries(labels)) {
      // Prometheus treats an empty label value as no label; PromQL results must not show it.
      if (v !== '') all[k] = v;
      parts.push(`${k}="${escapeLabelValue(v)}"`);
    }
    if (extra) {
      all[extra[0]] = extra[1];
      parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
    }
    return { id: this.nextId++, name, labels: Object.freeze(all), text: `${name}{${parts.join(',')}}` };
  }

  private create(labels: IstioRequestLabels): RequestSeries {
    const ordered: Labels = {};
    for (const name of ISTIO_LABEL_NAMES) ordered[name] = labels[name];
    const bounds = [...DURATION_BUCKETS_MS, Number.POSITIVE_INFINITY];
    return {
      total: this.makeSeries(REQUESTS_TOTAL, ordered),
      count: 0,
      buckets: bounds.map((b) =>
        this.makeSeries(`${REQUEST_DURATION}_bucket`, ordered, ['le', formatBound(b)]),
      ),
      bucketCounts: new Float64Array(bounds.length),
      sumSeries: this.makeSeries(`${REQUEST_DURATION}_sum`, ordered),
      countSeries: this.makeSeries(`${REQUEST_DURATION}_count`, ordered),
      durationSum: 0,
    };
  }
}
