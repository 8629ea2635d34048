import type { RegexEngine } from '../../../shared/mesh/model/index.ts';
import type { Labels } from './istio-metrics-registry.ts';
import type { MetricSampleStore, StoredSeries } from './metric-sample-store.ts';
import {
  type BinaryOp,
  COMPARISON_OPS,
  type Expr,
  type LabelMatcher,
  PromQLError,
  type VectorMatching,
} from './promql-ast.ts';
import { bucketQuantile, extrapolatedRate, instantRate } from './promql-functions.ts';

export interface Sample {
  labels: Labels;
  value: number;
}

export type InstantValue = { kind: 'scalar'; value: number } | { kind: 'vector'; samples: Sample[] };

/** How far back an instant selector looks for the newest sample (Prometheus' default lookback delta). */
export const LOOKBACK_MS = 5 * 60_000;

type Selector = Extract<Expr, { type: 'selector' }>;
type Binary = Extract<Expr, { type: 'binary' }>;

function signatureKey(labels: Labels, names: string[] | undefined, without: boolean): string {
  const keys =
    names && !without
      ? names
      : Object.keys(labels).filter((k) => k !== '__name__' && !(names ?? []).includes(k));
  return [...keys]
    .sort()
    .map((k) => `${k}\u0001${labels[k] ?? ''}`)
    .join('\u0002');
}

function dropName(labels: Labels): Labels {
  const { __name__: _, ...rest } = labels;
  return rest;
}

function arithmetic(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
    default:
      throw new PromQLError(`operator "${op}" is not an arithmetic operator`);
  }
}

function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    default:
      return a <= b;
  }
}

/**
 * Evaluates a parsed query against the sample store at one instant. Selectors are resolved to
 * series once per evaluator, so a range query walks the label index once, not once per step.
 */
export class PromQLEvaluator {
  private readonly resolved = new Map<Selector, StoredSeries[]>();

  constructor(
    private readonly store: MetricSampleStore,
    private readonly regex: RegexEngine,
  ) {}

  evaluate(expr: Expr, timeMs: number): InstantValue {
    switch (expr.type) {
      case 'number':
        return { kind: 'scalar', value: expr.value };
      case 'string':
        throw new PromQLError('string literals are only allowed as function arguments');
      case 'paren':
        return this.evaluate(expr.expr, timeMs);
      case 'unary': {
        const v = this.evaluate(expr.expr, timeMs);
        if (expr.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', value: -v.value };
        return {
          kind: 'vector',
          samples: v.samples.map((s) => ({ labels: dropName(s.labels), value: -s.value })),
        };
      }
      case 'selector':
        if (expr.rangeMs !== undefined)
          throw new PromQLError('range vectors are only allowed as function arguments here');
        return { kind: 'vector', samples: this.instantSelect(expr, timeMs) };
      case 'call':
        return this.call(expr, timeMs);
      case 'aggregate':
        return { kind: 'vector', samples: this.aggregate(expr, timeMs) };
      case 'binary':
        return this.binary(expr, timeMs);
    }
  }

  private series(sel: Selector): StoredSeries[] {
    let found = this.resolved.get(sel);
    if (!found) {
      const tests = sel.matchers.map((m) => this.matcherTest(m));
      found = this.store.select((labels) => tests.every((t) => t(labels)));
      this.resolved.set(sel, found);
    }
    return found;
  }

  private matcherTest(m: LabelMatcher): (labels: Readonly<Labels>) => boolean {
    if (m.op === '=') return (l) => (l[m.name] ?? '') === m.value;
    if (m.op === '!=') return (l) => (l[m.name] ?? '') !== m.value;
    const error = this.regex.check(m.value);
    if (error !== null)
      throw new PromQLError(`invalid regular expression in matcher ${m.name}${m.op}"${m.value}": ${error}`);
    const full = this.regex.fullMatcher(m.value);
    return m.op === '=~' ? (l) => full(l[m.name] ?? '') : (l) => !full(l[m.name] ?? '');
  }

  private instantSelect(sel: Selector, timeMs: number): Sample[] {
    const at = timeMs - sel.offsetMs;
    const out: Sample[] = [];
    for (const s of this.series(sel)) {
      const p = this.store.latest(s, at - LOOKBACK_MS, at);
      if (p) out.push({ labels: { ...s.labels }, value: p.v });
    }
    return out;
  }

  private rangeFunction(e: Extract<Expr, { type: 'call' }>, timeMs: number): Sample[] {
    const arg = e.args[0];
    const sel = arg?.type === 'paren' ? arg.expr : arg;
    if (sel?.type !== 'selector' || sel.rangeMs === undefined) {
      throw new PromQLError(`expected a range vector selector in call to "${e.func}"`);
    }
    const end = timeMs - sel.offsetMs;
    const start = end - sel.rangeMs;
    const out: Sample[] = [];
    for (const s of this.series(sel)) {
      const points = this.store.points(s, start, end);
      const v =
        e.func === 'irate' ? instantRate(points) : extrapolatedRate(points, start, end, e.func === 'rate');
      if (v !== undefined) out.push({ labels: dropName(s.labels), value: v });
    }
    return out;
  }

  private scalarArg(e: Expr, timeMs: number): number {
    const v = this.evaluate(e, timeMs);
    if (v.kind !== 'scalar') throw new PromQLError('expected a scalar argument');
    return v.value;
  }

  private vectorArg(e: Expr, timeMs: number): Sample[] {
    const v = this.evaluate(e, timeMs);
    if (v.kind !== 'vector') throw new PromQLError('expected an instant vector argument');
    return v.samples;
  }

  private call(e: Extract<Expr, { type: 'call' }>, timeMs: number): InstantValue {
    const mapValues = (f: (v: number) => number): InstantValue => ({
      kind: 'vector',
      samples: this.vectorArg(e.args[0] as Expr, timeMs).map((s) => ({
        labels: dropName(s.labels),
        value: f(s.value),
      })),
    });
    switch (e.func) {
      case 'rate':
      case 'irate':
      case 'increase':
        return { kind: 'vector', samples: this.rangeFunction(e, timeMs) };
      case 'histogram_quantile':
        return {
          kind: 'vector',
          samples: this.histogramQuantile(
            this.scalarArg(e.args[0] as Expr, timeMs),
            this.vectorArg(e.args[1] as Expr, timeMs),
          ),
        };
      case 'clamp_min': {
        const min = this.scalarArg(e.args[1] as Expr, timeMs);
        return mapValues((v) => Math.max(v, min));
      }
      case 'clamp_max': {
        const max = this.scalarArg(e.args[1] as Expr, timeMs);
        return mapValues((v) => Math.min(v, max));
      }
      case 'clamp': {
        const min = this.scalarArg(e.args[1] as Expr, timeMs);
        const max = this.scalarArg(e.args[2] as Expr, timeMs);
        if (max < min) return { kind: 'vector', samples: [] };
        return mapValues((v) => Math.max(min, Math.min(max, v)));
      }
      case 'abs':
        return mapValues(Math.abs);
      case 'ceil':
        return mapValues(Math.ceil);
      case 'floor':
        return mapValues(Math.floor);
      case 'round': {
        const to = e.args[1] ? this.scalarArg(e.args[1], timeMs) : 1;
        return mapValues((v) => Math.floor(v / to + 0.5) * to);
      }
      case 'scalar': {
        const samples = this.vectorArg(e.args[0] as Expr, timeMs);
        return { kind: 'scalar', value: samples.length === 1 ? (samples[0] as Sample).value : Number.NaN };
      }
      case 'vector':
        return {
          kind: 'vector',
          samples: [{ labels: {}, value: this.scalarArg(e.args[0] as Expr, timeMs) }],
        };
      case 'time':
        return { kind: 'scalar', value: timeMs / 1000 };
      default:
        throw new PromQLError(`function "${e.func}" is not supported by the demo Prometheus`);
    }
  }

  private histogramQuantile(q: number, samples: Sample[]): Sample[] {
    const groups = new Map<string, { labels: Labels; buckets: Array<{ upper: number; count: number }> }>();
    for (const s of samples) {
      const le = s.labels.le;
      if (le === undefined) continue;
      const upper = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      if (Number.isNaN(upper)) continue;
      const { le: _, ...rest } = dropName(s.labels);
      const key = signatureKey(rest, undefined, true);
      let g = groups.get(key);
      if (!g) {
        g = { labels: rest, buckets: [] };
        groups.set(key, g);
      }
      g.buckets.push({ upper, count: s.value });
    }
    return [...groups.values()].map((g) => ({ labels: g.labels, value: bucketQuantile(q, g.buckets) }));
  }

  private aggregate(e: Extract<Expr, { type: 'aggregate' }>, timeMs: number): Sample[] {
    const groups = new Map<string, { labels: Labels; values: number[] }>();
    for (const s of this.vectorArg(e.expr, timeMs)) {
      const key = signatureKey(s.labels, e.grouping, e.without);
      let g = groups.get(key);
      if (!g) {
        const labels: Labels = {};
        if (e.without) {
          for (const [k, v] of Object.entries(s.labels))
            if (k !== '__name__' && !e.grouping.includes(k)) labels[k] = v;
        } else {
          for (const k of e.grouping)
            if (s.labels[k] !== undefined && k !== '__name__') labels[k] = s.labels[k] as string;
        }
        g = { labels, values: [] };
        groups.set(key, g);
      }
      g.values.push(s.value);
    }
    return [...groups.values()].map(({ labels, values }) => {
      let value: number;
      if (e.op === 'sum') value = values.reduce((a, b) => a + b, 0);
      else if (e.op === 'avg') value = values.reduce((a, b) => a + b, 0) / values.length;
      else if (e.op === 'count') value = values.length;
      else if (e.op === 'max')
        value = values.reduce((a, b) => (Number.isNaN(a) || b > a ? b : a), Number.NaN);
      else value = values.reduce((a, b) => (Number.isNaN(a) || b < a ? b : a), Number.NaN);
      return { labels, value };
    });
  }

  private binary(e: Binary, timeMs: number): InstantValue {
    const lhs = this.evaluate(e.lhs, timeMs);
    const rhs = this.evaluate(e.rhs, timeMs);
    const isComparison = COMPARISON_OPS.includes(e.op);
    if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
      if (isComparison) return { kind: 'scalar', value: compare(e.op, lhs.value, rhs.value) ? 1 : 0 };
      return { kind: 'scalar', value: arithmetic(e.op, lhs.value, rhs.value) };
    }
    if (lhs.kind === 'vector' && rhs.kind === 'vector')
      return { kind: 'vector', samples: this.vectorBinary(e, lhs.samples, rhs.samples) };
    const swap = lhs.kind === 'scalar';
    const scalar = (swap ? lhs : rhs) as { kind: 'scalar'; value: number };
    const vector = (swap ? rhs : lhs) as { kind: 'vector'; samples: Sample[] };
    const out: Sample[] = [];
    for (const s of vector.samples) {
      const a = swap ? scalar.value : s.value;
      const b = swap ? s.value : scalar.value;
      if (isComparison) {
        const keep = compare(e.op, a, b);
        if (e.returnBool) out.push({ labels: dropName(s.labels), value: keep ? 1 : 0 });
        else if (keep) out.push(s);
      } else out.push({ labels: dropName(s.labels), value: arithmetic(e.op, a, b) });
    }
    return { kind: 'vector', samples: out };
  }

  private vectorBinary(e: Binary, lhs: Sample[], rhs: Sample[]): Sample[] {
    const m: VectorMatching | undefined = e.matching;
    const sig = (l: Labels) => signatureKey(l, m?.labels ?? [], !(m?.on ?? false));
    if (e.op === 'and' || e.op === 'unless') {
      const right = new Set(rhs.map((s) => sig(s.labels)));
      return lhs.filter((s) => right.has(sig(s.labels)) === (e.op === 'and'));
    }
    if (e.op === 'or') {
      const left = new Set(lhs.map((s) => sig(s.labels)));
      return [...lhs, ...rhs.filter((s) => !left.has(sig(s.labels)))];
    }
    const right = new Map<string, Sample>();
    for (const s of rhs) {
      const key = sig(s.labels);
      if (right.has(key)) {
        throw new PromQLError(
          'found duplicate series for the match group on the right hand-side of the operation: many-to-many matching not allowed: matching labels must be unique on one side',
        );
      }
      right.set(key, s);
    }
    const isComparison = COMPARISON_OPS.includes(e.op);
    const seen = new Set<string>();
    const out: Sample[] = [];
    for (const l of lhs) {
      const key = sig(l.labels);
      const r = right.get(key);
      if (!r) continue;
      if (seen.has(key)) {
        throw new PromQLError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        );
      }
      seen.add(key);
      let value: number;
      if (isComparison) {
        const keep = compare(e.op, l.value, r.value);
        if (!keep && !e.returnBool) continue;
        value = e.returnBool ? (keep ? 1 : 0) : l.value;
      } else value = arithmetic(e.op, l.value, r.value);
      let labels = isComparison && !e.returnBool ? { ...l.labels } : dropName(l.labels);
      if (m?.on) {
        const kept: Labels = {};
        for (const k of m.labels) if (labels[k] !== undefined) kept[k] = labels[k] as string;
        labels = kept;
      } else if (m) {
        labels = Object.fromEntries(Object.entries(labels).filter(([k]) => !m.labels.includes(k)));
      }
      out.push({ labels, value });
    }
    return out;
  }
}
