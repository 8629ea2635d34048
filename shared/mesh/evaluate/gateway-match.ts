// One HTTPRouteMatch (Gateway API v1) compiled into a predicate over a prepared request, and the key
// that orders it against the other matches of the route.
//
// Semantics (HTTPRouteMatch in gateway.networking.k8s.io_httproutes.yaml, v1.6):
// - path: default `PathPrefix /`. Exact compares the path without query string. PathPrefix is
//   element-wise: `/foo` (or `/foo/`, a trailing `/` is ignored) matches `/foo` and `/foo/bar`,
//   not `/foobar`. RegularExpression is RE2 (the RegexEngine) and must match the whole path,
//   without the query string, as Envoy's safe_regex does. Exact and PathPrefix values must start
//   with `/`.
// - headers: names case-insensitive, only the FIRST entry of a name counts; Exact compares the
//   value case-sensitively; RegularExpression full-matches it. A missing header never matches.
// - queryParams: names exact (case-sensitive), first entry of a name counts; the first value of a
//   repeated parameter is matched (what the spec recommends).
// - method: exact.
// - all fields of a match are ANDed.

import type { RegexEngine } from '../model/index.ts';
import { isPlainObject } from '../model/index.ts';
import { RouteCompileError } from './evaluator-types.ts';
import type { Predicate, PreparedRequest } from './route-match.ts';

export type { Predicate, PreparedRequest };

/** Path kinds by precedence rank: Exact over PathPrefix over RegularExpression (Istio's rank). */
export const PATH_RANK = { Exact: 3, PathPrefix: 2, RegularExpression: 1 } as const;
export type PathType = keyof typeof PATH_RANK;

/** What the precedence of a match is computed from (after defaults and de-duplication). */
export interface MatchKey {
  pathType: PathType;
  /** Length of the path value (the pattern for RegularExpression), in characters. */
  pathLength: number;
  hasMethod: boolean;
  headerCount: number;
  queryCount: number;
}

export interface CompiledMatch {
  key: MatchKey;
  test: Predicate;
}

const PATH_TYPES = new Set<string>(['Exact', 'PathPrefix', 'RegularExpression']);
const VALUE_TYPES = new Set<string>(['Exact', 'RegularExpression']);

function valueTest(
  type: string,
  value: string,
  where: string,
  engine: RegexEngine,
): (v: string | undefined) => boolean {
  if (type === 'Exact') return (v) => v === value;
  const error = engine.check(value);
  if (error !== null) throw new RouteCompileError(`${where}.value`, `invalid RE2 regex '${value}': ${error}`);
  const full = engine.fullMatcher(value);
  return (v) => v !== undefined && full(v);
}

/** `/foo` and `/foo/` cover `/foo` and `/foo/...`; `/` covers everything. */
export function pathPrefixTest(value: string): (path: string) => boolean {
  const p = value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
  if (p === '/') return () => true;
  const withSlash = `${p}/`;
  return (path) => path === p || path.startsWith(withSlash);
}

function compilePath(
  raw: unknown,
  where: string,
  engine: RegexEngine,
): { key: [PathType, number]; test: Predicate } {
  if (raw !== undefined && !isPlainObject(raw)) throw new RouteCompileError(where, 'path must be a mapping');
  const type = raw?.type ?? 'PathPrefix';
  const value = raw?.value ?? '/';
  if (typeof type !== 'string' || !PATH_TYPES.has(type))
    throw new RouteCompileError(`${where}.type`, `unknown path match type '${String(type)}'`);
  if (typeof value !== 'string') throw new RouteCompileError(`${where}.value`, 'must be a string');
  const pathType = type as PathType;
  if (pathType !== 'RegularExpression' && !value.startsWith('/'))
    throw new RouteCompileError(`${where}.value`, `'${value}' must be an absolute path starting with '/'`);
  if (pathType === 'Exact') return { key: [pathType, value.length], test: (r) => r.pathOnly === value };
  if (pathType === 'PathPrefix') {
    const t = pathPrefixTest(value);
    return { key: [pathType, value.length], test: (r) => t(r.pathOnly) };
  }
  const t = valueTest('RegularExpression', value, where, engine);
  return { key: [pathType, value.length], test: (r) => t(r.pathOnly) };
}

function compileList(
  raw: unknown,
  field: 'headers' | 'queryParams',
  where: string,
  engine: RegexEngine,
): Predicate[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new RouteCompileError(`${where}.${field}`, 'must be a list');
  const seen = new Set<string>();
  const tests: Predicate[] = [];
  raw.forEach((entry, i) => {
    const at = `${where}.${field}[${i}]`;
    if (!isPlainObject(entry)) throw new RouteCompileError(at, 'must be a mapping');
    const { name, value } = entry;
    const type = entry.type ?? 'Exact';
    if (typeof name !== 'string' || name === '')
      throw new RouteCompileError(`${at}.name`, 'must be a non-empty string');
    if (typeof value !== 'string') throw new RouteCompileError(`${at}.value`, 'must be a string');
    if (typeof type !== 'string' || !VALUE_TYPES.has(type))
      throw new RouteCompileError(`${at}.type`, `unknown match type '${String(type)}'`);
    const key = field === 'headers' ? name.toLowerCase() : name;
    const t = valueTest(type, value, at, engine);
    // The spec: only the first entry with an equivalent name is considered; later ones are ignored.
    if (seen.has(key)) return;
    seen.add(key);
    tests.push(field === 'headers' ? (r) => t(r.headers.get(key)) : (r) => t(r.query.get(key)));
  });
  return tests;
}

/** Compiles one entry of a rule's `matches`; `where` names it in errors (e.g. spec.rules[0].matches[1]). */
export function compileGatewayMatch(raw: unknown, where: string, engine: RegexEngine): CompiledMatch {
  if (!isPlainObject(raw)) throw new RouteCompileError(where, 'a match must be a mapping');
  const path = compilePath(raw.path, `${where}.path`, engine);
  const tests: Predicate[] = [path.test];
  let hasMethod = false;
  if (raw.method !== undefined) {
    if (typeof raw.method !== 'string') throw new RouteCompileError(`${where}.method`, 'must be a string');
    const method = raw.method;
    hasMethod = true;
    tests.push((r) => r.method === method);
  }
  const headers = compileList(raw.headers, 'headers', where, engine);
  const query = compileList(raw.queryParams, 'queryParams', where, engine);
  tests.push(...headers, ...query);
  return {
    key: {
      pathType: path.key[0],
      pathLength: path.key[1],
      hasMethod,
      headerCount: headers.length,
      queryCount: query.length,
    },
    test:
      tests.length === 1
        ? path.test
        : (r) => {
            for (const t of tests) if (!t(r)) return false;
            return true;
          },
  };
}

/** The implicit match of a rule without `matches`: PathPrefix `/`. */
export const CATCH_ALL_KEY: MatchKey = {
  pathType: 'PathPrefix',
  pathLength: 1,
  hasMethod: false,
  headerCount: 0,
  queryCount: 0,
};

/**
 * Negative when `a` takes precedence over `b`, positive when `b` does, 0 on a tie (rule order then
 * decides). Path kind (Exact > PathPrefix > RegularExpression), then longer path value, then a
 * method match, then more header matches, then more query param matches.
 */
export function compareMatchKeys(a: MatchKey, b: MatchKey): number {
  return (
    PATH_RANK[b.pathType] - PATH_RANK[a.pathType] ||
    b.pathLength - a.pathLength ||
    Number(b.hasMethod) - Number(a.hasMethod) ||
    b.headerCount - a.headerCount ||
    b.queryCount - a.queryCount
  );
}
