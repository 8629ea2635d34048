// Routes one request through a VirtualService the way Envoy does with the config Istio generates.
// A VirtualService is compiled once into a router; the demo mesh then routes every simulated
// request through it, so the hot path does no parsing and no regex compilation.
//
// Semantics (Istio VirtualService reference + Envoy route matching):
// - http routes are tried in order, the first that matches wins; a route without `match` takes all.
// - entries of `match` are ORed; the fields of one entry are ANDed.
// - StringMatch exact/prefix/regex; regex is RE2 and must match the whole value. An empty
//   StringMatch (`{}`) in headers means "present"; in withoutHeaders, "absent".
// - withoutHeaders: the request must NOT match; a missing header does not match, so it passes.
// - uri: exact and regex look at the path without the query string, prefix at the path as sent.
//   ignoreUriCase makes exact/prefix case-insensitive and prefixes the regex with (?i), as Istio does.
// - queryParams: exact and regex against the first value, as sent (not URL-decoded). Istio drops a
//   `prefix` matcher, which leaves Envoy checking presence only; that is what happens here too.
// - headers keys `uri`, `scheme`, `method`, `authority` are ignored (Istio documents so).
// - a lone destination takes 100% whatever its weight. Among several, an omitted weight is 0 and
//   the rest are used in proportion to their total (Envoy sums them; 30/30 is a 50/50 split).
//   All zero → 503.
// - sourceLabels / sourceNamespace / port / gateways only match when the request says so.

import { findInvalidRegexes } from './content-policy.ts';
import type {
  Destination,
  DestinationRule,
  HTTPMatchRequest,
  IstioHTTPRoute,
  StringMatch,
  VirtualService,
} from './istio-types.ts';
import type { RegexEngine } from './regex-engine.ts';

export interface MeshRequest {
  method?: string;
  /** Path as sent; may carry a query string. Default '/'. */
  path?: string;
  /** Header names are case-insensitive. */
  headers?: Record<string, string>;
  /** Query parameters in addition to those in `path`. */
  query?: Record<string, string>;
  /** The :authority (Host); default the `host` header, else the VirtualService's first host. */
  authority?: string;
  scheme?: string;
  port?: number;
  sourceLabels?: Record<string, string>;
  sourceNamespace?: string;
  /** 'mesh' for sidecar traffic or 'namespace/name' of the gateway the request came through. */
  gateway?: string;
}

export interface RuleRef {
  ruleIndex: number;
  /** Undefined when the rule has no name. */
  ruleName?: string | undefined;
  /** Which entry of `match` caught the request; null for a route without `match`. */
  matchIndex: number | null;
}

export type RouteOutcome =
  | (RuleRef & {
      kind: 'route';
      status: 200;
      version: string;
      destination: Destination;
      destinationIndex: number;
    })
  | (RuleRef & { kind: 'redirect'; status: number; redirect: unknown })
  | (RuleRef & { kind: 'directResponse'; status: number })
  | (RuleRef & { kind: 'delegate'; delegate: { name: string; namespace?: string } })
  | { kind: 'notFound'; status: 404; reason: 'NR'; message: string }
  | (RuleRef & {
      kind: 'unavailable';
      status: 503;
      reason: 'no subset' | 'no_healthy_upstream' | 'no weight' | 'no action';
      message: string;
      destination?: Destination;
    });

export interface RouterOptions {
  engine: RegexEngine;
  /** When given, a subset that none of them defines for the destination host gives 503 "no subset". */
  destinationRules?: readonly DestinationRule[];
  /** When given, a destination without ready endpoints gives 503 no_healthy_upstream. */
  isReady?: (host: string, subset: string | undefined) => boolean;
}

export interface CompiledRouter {
  readonly hosts: readonly string[];
  readonly rules: ReadonlyArray<{ index: number; name?: string }>;
  /** `random` in [0, 1) picks among weighted destinations deterministically. */
  route(request: MeshRequest, random: number): RouteOutcome;
}

/** Thrown when a VirtualService cannot be compiled (an invalid regex); `path` names the field. */
export class RouteCompileError extends Error {
  override name = 'RouteCompileError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const CLUSTER_SUFFIX = '.svc.cluster.local';

/** Istio resolves a short host against the namespace of the object naming it. */
export function canonicalHost(host: string, namespace: string | undefined): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('*') || h.endsWith(CLUSTER_SUFFIX)) return h;
  const dots = h.split('.').length - 1;
  if (dots === 0) return `${h}.${namespace || 'default'}${CLUSTER_SUFFIX}`;
  if (dots === 1) return `${h}${CLUSTER_SUFFIX}`;
  return h;
}

/** True when a (possibly wildcard) host pattern covers the host; both already canonical. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

function gatewayKey(name: string, namespace: string | undefined): string {
  if (name === 'mesh' || name.includes('/')) return name;
  return `${namespace || 'default'}/${name}`;
}

interface PreparedRequest {
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

type Predicate = (r: PreparedRequest) => boolean;
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

function compileMatch(
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

interface CompiledRule {
  index: number;
  name?: string;
  /** Null: no `match`, takes everything. */
  matches: Predicate[] | null;
  act: (r: PreparedRequest, random: number, ref: RuleRef) => RouteOutcome;
}

function subsetIndex(rules: readonly DestinationRule[]): (host: string) => Set<string> | null {
  const entries = rules
    .filter((dr) => dr?.spec && typeof dr.spec.host === 'string')
    .map((dr) => ({
      host: canonicalHost(dr.spec!.host, dr.metadata?.namespace),
      subsets: new Set((Array.isArray(dr.spec!.subsets) ? dr.spec!.subsets : []).map((s) => s?.name)),
    }));
  return (host) => {
    const exact = entries.filter((e) => e.host === host);
    const chosen = exact.length > 0 ? exact : entries.filter((e) => hostMatches(e.host, host));
    if (chosen.length === 0) return null;
    const all = new Set<string>();
    for (const e of chosen) for (const s of e.subsets) if (typeof s === 'string') all.add(s);
    return all;
  };
}

function compileAction(
  route: IstioHTTPRoute,
  path: string,
  vsNamespace: string | undefined,
  options: RouterOptions,
  subsetsOf: ((host: string) => Set<string> | null) | null,
): CompiledRule['act'] {
  if (route.delegate && typeof route.delegate === 'object') {
    const delegate = route.delegate;
    return (_r, _x, ref) => ({
      ruleIndex: ref.ruleIndex,
      ruleName: ref.ruleName,
      matchIndex: ref.matchIndex,
      kind: 'delegate',
      delegate,
    });
  }
  if (route.redirect && typeof route.redirect === 'object') {
    const redirect = route.redirect;
    const code = (redirect as { redirectCode?: unknown }).redirectCode;
    const status = typeof code === 'number' ? code : 301;
    return (_r, _x, ref) => ({
      ruleIndex: ref.ruleIndex,
      ruleName: ref.ruleName,
      matchIndex: ref.matchIndex,
      kind: 'redirect',
      status,
      redirect,
    });
  }
  if (route.directResponse && typeof route.directResponse === 'object') {
    const s = (route.directResponse as { status?: unknown }).status;
    const status = typeof s === 'number' ? s : 200;
    return (_r, _x, ref) => ({
      ruleIndex: ref.ruleIndex,
      ruleName: ref.ruleName,
      matchIndex: ref.matchIndex,
      kind: 'directResponse',
      status,
    });
  }
  const dests = Array.isArray(route.route) ? route.route.filter((d) => d?.destination?.host) : [];
  if (dests.length === 0) {
    const message = `${path} has no route, redirect, directResponse or delegate`;
    return (_r, _x, ref) => ({
      ruleIndex: ref.ruleIndex,
      ruleName: ref.ruleName,
      matchIndex: ref.matchIndex,
      kind: 'unavailable',
      status: 503,
      reason: 'no action',
      message,
    });
  }
  const weights =
    dests.length === 1
      ? [1]
      : dests.map((d) => (typeof d.weight === 'number' && d.weight > 0 ? d.weight : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w, i) => {
    cumulative[i] = acc + w;
    return acc + w;
  }, 0);
  const targets = dests.map((d, i) => {
    const destination = d.destination;
    const host = canonicalHost(destination.host, vsNamespace);
    const subset = destination.subset;
    const known = subsetsOf && subset ? subsetsOf(host) : null;
    const missing = subsetsOf && subset ? !known?.has(subset) : false;
    return { destination, host, subset, missing, index: i, version: subset || destination.host };
  });
  return (_r, random, ref) => {
    if (total <= 0)
      return {
        ruleIndex: ref.ruleIndex,
        ruleName: ref.ruleName,
        matchIndex: ref.matchIndex,
        kind: 'unavailable',
        status: 503,
        reason: 'no weight',
        message: `${path}: every destination has weight 0`,
      };
    const x = Math.min(Math.max(random, 0), 0.999999999999) * total;
    let k = 0;
    while (k < cumulative.length - 1 && x >= cumulative[k]!) k++;
    const t = targets[k]!;
    if (t.missing)
      return {
        ruleIndex: ref.ruleIndex,
        ruleName: ref.ruleName,
        matchIndex: ref.matchIndex,
        kind: 'unavailable',
        status: 503,
        reason: 'no subset',
        message: `subset '${t.subset}' of ${t.host} is not defined in any DestinationRule`,
        destination: t.destination,
      };
    if (options.isReady && !options.isReady(t.host, t.subset))
      return {
        ruleIndex: ref.ruleIndex,
        ruleName: ref.ruleName,
        matchIndex: ref.matchIndex,
        kind: 'unavailable',
        status: 503,
        reason: 'no_healthy_upstream',
        message: `${t.host}${t.subset ? ` subset ${t.subset}` : ''} has no ready endpoints`,
        destination: t.destination,
      };
    return {
      ruleIndex: ref.ruleIndex,
      ruleName: ref.ruleName,
      matchIndex: ref.matchIndex,
      kind: 'route',
      status: 200,
      version: t.version,
      destination: t.destination,
      destinationIndex: t.index,
    };
  };
}

/** Compiles a VirtualService's http routes; throws RouteCompileError on an invalid regex. */
export function compileVirtualService(vs: VirtualService, options: RouterOptions): CompiledRouter {
  const spec = vs.spec ?? {};
  const ns = vs.metadata?.namespace;
  const hosts = Array.isArray(spec.hosts) ? spec.hosts.map(String) : [];
  const vsGateways =
    Array.isArray(spec.gateways) && spec.gateways.length > 0
      ? spec.gateways.map((g) => gatewayKey(String(g), ns))
      : ['mesh'];
  const subsetsOf = options.destinationRules ? subsetIndex(options.destinationRules) : null;
  const http = Array.isArray(spec.http) ? spec.http : [];
  const rules: CompiledRule[] = http.map((route, index) => {
    const path = `spec.http[${index}]`;
    const matchList = Array.isArray(route?.match) ? route.match : null;
    matchList?.forEach((m, j) => {
      const bad = findInvalidRegexes([m ?? {}], options.engine)[0];
      if (bad)
        throw new RouteCompileError(
          `${path}.match[${j}]${bad.path.slice(3)}`,
          `invalid RE2 regex '${bad.pattern}': ${bad.error}`,
        );
    });
    return {
      index,
      ...(typeof route?.name === 'string' ? { name: route.name } : {}),
      matches:
        matchList && matchList.length > 0
          ? matchList.map((m, j) => compileMatch(m ?? {}, `${path}.match[${j}]`, options.engine, ns))
          : null,
      act: compileAction(route ?? {}, path, ns, options, subsetsOf),
    };
  });
  const defaultAuthority = hosts[0] ?? '';

  return {
    hosts,
    rules: rules.map((r) => ({ index: r.index, ...(r.name !== undefined ? { name: r.name } : {}) })),
    route(request, random) {
      const r = prepare(request, defaultAuthority, ns, vsGateways);
      if (request.gateway !== undefined && !vsGateways.includes(r.gateways[0]!))
        return {
          kind: 'notFound',
          status: 404,
          reason: 'NR',
          message: `the VirtualService is not bound to gateway '${request.gateway}' (bound to ${vsGateways.join(', ')})`,
        };
      for (const rule of rules) {
        let matchIndex: number | null = null;
        if (rule.matches) {
          const ms = rule.matches;
          let k = 0;
          while (k < ms.length && !ms[k]!(r)) k++;
          if (k === ms.length) continue;
          matchIndex = k;
        }
        // Plain literals only on this path: object spread costs microseconds per request on V8.
        const ref: RuleRef = { ruleIndex: rule.index, ruleName: rule.name, matchIndex };
        return rule.act(r, random, ref);
      }
      return { kind: 'notFound', status: 404, reason: 'NR', message: 'no http route matches the request' };
    },
  };
}

function prepare(
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

/** One-off evaluation; compile once with compileVirtualService to route many requests. */
export function evaluateRequest(
  vs: VirtualService,
  request: MeshRequest,
  random: number,
  options: RouterOptions,
): RouteOutcome {
  return compileVirtualService(vs, options).route(request, random);
}
