/** The syntax tree of the PromQL subset the demo Prometheus answers. */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count';

export interface VectorMatching {
  /** `on(...)` when true, `ignoring(...)` when false. */
  on: boolean;
  labels: string[];
}

export type Expr =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'selector'; matchers: LabelMatcher[]; rangeMs?: number; offsetMs: number; pos: number }
  | { type: 'call'; func: string; args: Expr[]; pos: number }
  | { type: 'aggregate'; op: AggregateOp; expr: Expr; grouping: string[]; without: boolean; pos: number }
  | {
      type: 'binary';
      op: BinaryOp;
      lhs: Expr;
      rhs: Expr;
      returnBool: boolean;
      matching?: VectorMatching;
      pos: number;
    }
  | { type: 'unary'; op: '-' | '+'; expr: Expr }
  | { type: 'paren'; expr: Expr };

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export const COMPARISON_OPS: readonly string[] = ['==', '!=', '>', '<', '>=', '<='];
export const SET_OPS: readonly string[] = ['and', 'or', 'unless'];
export const AGGREGATE_OPS: readonly string[] = ['sum', 'avg', 'min', 'max', 'count'];

/** Functions the demo Prometheus evaluates: argument types and result type. */
export const FUNCTIONS: Record<string, { args: ValueType[]; optional?: number; returns: ValueType }> = {
  rate: { args: ['matrix'], returns: 'vector' },
  irate: { args: ['matrix'], returns: 'vector' },
  increase: { args: ['matrix'], returns: 'vector' },
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp: { args: ['vector', 'scalar', 'scalar'], returns: 'vector' },
  abs: { args: ['vector'], returns: 'vector' },
  ceil: { args: ['vector'], returns: 'vector' },
  floor: { args: ['vector'], returns: 'vector' },
  round: { args: ['vector', 'scalar'], optional: 1, returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  vector: { args: ['scalar'], returns: 'vector' },
  time: { args: [], returns: 'scalar' },
};

/** Aggregations and other functions real Prometheus has but this subset does not: named in the error. */
export const KNOWN_UNSUPPORTED = new Set([
  'topk',
  'bottomk',
  'quantile',
  'stddev',
  'stdvar',
  'count_values',
  'group',
  'label_replace',
  'label_join',
  'delta',
  'idelta',
  'deriv',
  'predict_linear',
  'avg_over_time',
  'sum_over_time',
  'max_over_time',
  'min_over_time',
  'count_over_time',
  'absent',
  'absent_over_time',
  'changes',
  'resets',
  'sort',
  'sort_desc',
]);

export class PromQLError extends Error {
  override name = 'PromQLError';
}
