import type { RegexEngine } from '../../../shared/mesh/model/index.ts';
import type { Labels } from './istio-metrics-registry.ts';
import type { MetricSampleStore } from './metric-sample-store.ts';
import { PromQLError } from './promql-ast.ts';
import { PromQLEvaluator } from './promql-evaluator.ts';
import { formatSampleValue } from './promql-functions.ts';
import { parseDuration, parsePromQL, typeOf } from './promql-parser.ts';

/** A Prometheus HTTP API answer: the JSON body and its status code. */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

type Point = [number, string];

/** Prometheus caps a range query at 11,000 points per series; so does the demo. */
const MAX_POINTS = 11_000;

export function badData(message: string): ApiAnswer {
  return { status: 400, body: { status: 'error', errorType: 'bad_data', error: message } };
}

function success(data: unknown): ApiAnswer {
  return { status: 200, body: { status: 'success', data } };
}

function point(timeMs: number, value: number): Point {
  return [timeMs / 1000, formatSampleValue(value)];
}

/** A `time`, `start` or `end` parameter: Unix seconds (possibly fractional) or RFC 3339. */
export function parseTimeParam(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  const ms = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(ms)) return ms;
  throw new PromQLError(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
}

/** A `step` or `timeout` parameter: seconds (possibly fractional) or a duration like 15s. */
export function parseDurationParam(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  const d = parseDuration(text);
  if (d !== undefined) return d;
  throw new PromQLError(`invalid parameter "${name}": cannot parse "${text}" to a valid duration`);
}

function metricOf(labels: Labels): Labels {
  // Prometheus lists labels sorted by name in its JSON; clients compare them as maps anyway.
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The query side of the demo Prometheus, independent of HTTP so tests can call it directly. */
export class PrometheusQueryApi {
  constructor(
    private readonly store: MetricSampleStore,
    private readonly regex: RegexEngine,
    private readonly now: () => number,
  ) {}

  /** GET/POST /api/v1/query with its parameters. */
  query(params: URLSearchParams): ApiAnswer {
    try {
      const query = params.get('query');
      if (query === null || query === '')
        return badData('invalid parameter "query": query must not be empty');
      const time = params.has('time') ? parseTimeParam('time', params.get('time') as string) : this.now();
      return success(this.instant(query, time));
    } catch (err) {
      return this.failure(err);
    }
  }

  /** GET/POST /api/v1/query_range with its parameters. */
  queryRange(params: URLSearchParams): ApiAnswer {
    try {
      const query = params.get('query');
      if (query === null || query === '')
        return badData('invalid parameter "query": query must not be empty');
      for (const p of ['start', 'end', 'step'])
        if (!params.has(p)) return badData(`invalid parameter "${p}": missing`);
      const start = parseTimeParam('start', params.get('start') as string);
      const end = parseTimeParam('end', params.get('end') as string);
      const step = parseDurationParam('step', params.get('step') as string);
      if (end < start) return badData('invalid parameter "end": end timestamp must not be before start time');
      if (step <= 0)
        return badData(
          'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
        );
      if ((end - start) / step > MAX_POINTS) {
        return badData(
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
        );
      }
      return success(this.range(query, start, end, step));
    } catch (err) {
      return this.failure(err);
    }
  }

  /** The `data` of an instant query at `timeMs`. */
  instant(query: string, timeMs: number): { resultType: string; result: unknown } {
    const expr = parsePromQL(query);
    const type = typeOf(expr);
    if (type === 'matrix' || type === 'string') {
      throw new PromQLError(
        `the demo Prometheus answers instant queries of scalar or instant-vector type only, got ${type === 'matrix' ? 'range vector' : type}`,
      );
    }
    const value = new PromQLEvaluator(this.store, this.regex).evaluate(expr, timeMs);
    if (value.kind === 'scalar') return { resultType: 'scalar', result: point(timeMs, value.value) };
    return {
      resultType: 'vector',
      result: value.samples.map((s) => ({ metric: metricOf(s.labels), value: point(timeMs, s.value) })),
    };
  }

  /** The `data` of a range query: one series per label set, a point per step where it had a value. */
  range(
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
  ): { resultType: 'matrix'; result: unknown } {
    const expr = parsePromQL(query);
    const type = typeOf(expr);
    if (type !== 'scalar' && type !== 'vector') {
      throw new PromQLError(
        `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
      );
    }
    const evaluator = new PromQLEvaluator(this.store, this.regex);
    const series = new Map<string, { metric: Labels; values: Point[] }>();
    for (let t = startMs; t <= endMs; t += stepMs) {
      const value = evaluator.evaluate(expr, t);
      const samples = value.kind === 'scalar' ? [{ labels: {}, value: value.value }] : value.samples;
      for (const s of samples) {
        const metric = metricOf(s.labels);
        const key = JSON.stringify(metric);
        let entry = series.get(key);
        if (!entry) {
          entry = { metric, values: [] };
          series.set(key, entry);
        }
        entry.values.push(point(t, s.value));
      }
    }
    return { resultType: 'matrix', result: [...series.values()] };
  }

  /** /api/v1/labels and /api/v1/label/<name>/values over what the store holds. */
  labelNames(): ApiAnswer {
    const names = new Set<string>();
    for (const s of this.store.allSeries()) for (const k of Object.keys(s.labels)) names.add(k);
    return success([...names].sort());
  }

  labelValues(name: string): ApiAnswer {
    const values = new Set<string>();
    for (const s of this.store.allSeries()) {
      const v = s.labels[name];
      if (v !== undefined) values.add(v);
    }
    return success([...values].sort());
  }

  private failure(err: unknown): ApiAnswer {
    if (err instanceof PromQLError) return badData(err.message);
    throw err;
  }
}
