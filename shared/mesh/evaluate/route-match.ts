// The request side of routing: a request prepared once (lowercased headers, parsed query), and one
// `match` entry compiled into a predicate over it (StringMatch exact/prefix/regex per field).

import type { HTTPMatchRequest, RegexEngine, StringMatch } from '../model/index.ts';
import { gatewayKey } from '../model/index.ts';
import type { MeshRequest } from './evaluator-types.ts';
import { RouteCompileError } from './evaluator-types.ts';

export interface PreparedRequest {
  method: string;
  path: string;
  pathOnly: string;
  headers: Map<string, string>;
  query: Map<string, string>;
  authority: string;
  scheme: string;
  port: number | undefined;
  sourceLabels: Record<string, string> | undefined;
  sourceNamespace: string | undefined;
  gateways: readonly string[];
}

export type Predicate = (r: PreparedRequest) => boolean;
type ValueTest = (value: string | undefined) => boolean;

function compileStringMatch(sm: unknown, path: string, engine: RegexEngine, ignoreCase = false): ValueTest {
  if (!sm || typeof sm !== 'object') return (v) => v !== undefined;
  const { exact, prefix, regex } = sm as StringMatch;
  if (typeof exact === 'string') {
    if (ignoreCase) {
      const e = exact.toLowerCase();
      return (v) => v !== undefined && v.toLowerCase() === e;
    }
    return (v) => v === exact;
  }
  if (typeof prefix === 'string') {
    if (ignoreCase) {
      const p = prefix.toLowerCase();
      return (v) => v?.toLowerCase().startsWith(p) === true;
    }
    return (v) => v?.startsWith(prefix) === true;
  }
  if (typeof regex === 'string') {
    const pattern = ignoreCase ? `(?i)${regex}` : regex;
    const error = engine.check(regex);
    if (error !== null)
      throw new RouteCompileError(`${path}.regex`, `invalid RE2 regex '${regex}': ${error}`);
    const full = engine.fullMatcher(pattern);
    return (v) => v !== undefined && full(v);
  }
  return (v) => v !== undefined;
}

const IGNORED_HEADER_KEYS = new Set(['uri', 'scheme', 'method', 'authority']);

export function compileMatch(
  m: HTTPMatchRequest,
  path: string,
  engine: RegexEngine,
  vsNamespace: string | undefined,
): Predicate {
  const tests: Predicate[] = [];
  const ignoreCase = m.ignoreUriCase === true;
  if (m.uri) {
    const sm = m.uri as StringMatch;
    const t = compileStringMatch(sm, `${path}.uri`, engine, ignoreCase);
    tests.push(typeof sm.prefix === 'string' ? (r) => t(r.path) : (r) => t(r.pathOnly));
  }
  if (m.method) {
    const t = compileStringMatch(m.method, `${path}.method`, engine);
    tests.push((r) => t(r.method));
  }
  if (m.authority) {
    const t = compileStringMatch(m.authority, `${path}.authority`, engine);
    tests.push((r) => t(r.authority));
  }
  if (m.scheme) {
    const t = compileStringMatch(m.scheme, `${path}.scheme`, engine);
    tests.push((r) => t(r.scheme));
  }
  for (const [key, sm] of Object.entries(m.headers ?? {})) {
    const name = key.toLowerCase();
    if (IGNORED_HEADER_KEYS.has(name)) continue;
    const t = compileStringMatch(sm, `${path}.headers.${key}`, engine);
    tests.push((r) => t(r.headers.get(name)));
  }
  for (const [key, sm] of Object.entries(m.withoutHeaders ?? {})) {
    const name = key.toLowerCase();
    if (IGNORED_HEADER_KEYS.has(name)) continue;
    const t = compileStringMatch(sm, `${path}.withoutHeaders.${key}`, engine);
    tests.push((r) => !t(r.headers.get(name)));
  }
  for (const [key, sm] of Object.entries(m.queryParams ?? {})) {
    const s = (sm ?? {}) as StringMatch;
    const t =
      typeof s.exact === 'string' || typeof s.regex === 'string'
        ? compileStringMatch({ exact: s.exact, regex: s.regex }, `${path}.queryParams.${key}`, engine)
        : (v: string | undefined) => v !== undefined;
    tests.push((r) => t(r.query.get(key)));
  }
  if (m.sourceLabels && Object.keys(m.sourceLabels).length > 0) {
    const wanted = Object.entries(m.sourceLabels);
    tests.push((r) => r.sourceLabels !== undefined && wanted.every(([k, v]) => r.sourceLabels?.[k] === v));
  }
  if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== '') {
    const ns = m.sourceNamespace;
    tests.push((r) => r.sourceNamespace === ns);
  }
  if (typeof m.port === 'number') {
    const port = m.port;
    tests.push((r) => r.port === port);
  }
  if (Array.isArray(m.gateways) && m.gateways.length > 0) {
    const gws = new Set(m.gateways.map((g) => gatewayKey(String(g), vsNamespace)));
    tests.push((r) => r.gateways.some((g) => gws.has(g)));
  }
  if (tests.length === 1) return tests[0]!;
  return (r) => {
    for (const t of tests) if (!t(r)) return false;
    return true;
  };
}

export function prepare(
  req: MeshRequest,
  defaultAuthority: string,
  ns: string | undefined,
  vsGateways: string[],
): PreparedRequest {
  const path = req.path && req.path.length > 0 ? req.path : '/';
  const q = path.indexOf('?');
  const pathOnly = q === -1 ? path : path.slice(0, q);
  const headers = new Map<string, string>();
  if (req.headers) for (const [k, v] of Object.entries(req.headers)) headers.set(k.toLowerCase(), String(v));
  const query = new Map<string, string>();
  if (q !== -1) {
    for (const part of path.slice(q + 1).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      if (!query.has(key)) query.set(key, eq === -1 ? '' : part.slice(eq + 1));
    }
  }
  if (req.query) for (const [k, v] of Object.entries(req.query)) if (!query.has(k)) query.set(k, String(v));
  return {
    method: req.method ?? 'GET',
    path,
    pathOnly,
    headers,
    query,
    authority: req.authority ?? headers.get('host') ?? defaultAuthority,
    scheme: req.scheme ?? 'http',
    port: req.port,
    sourceLabels: req.sourceLabels,
    sourceNamespace: req.sourceNamespace,
    gateways: req.gateway !== undefined ? [gatewayKey(req.gateway, ns)] : vsGateways,
  };
}
