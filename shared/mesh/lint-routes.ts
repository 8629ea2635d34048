// Lint checks inside one routing object: weights, subsets, regexes, header keys, shadowed rules.

import { findInvalidRegexes } from './content-policy.ts';
import { canonicalHost, hostMatches } from './evaluator.ts';
import type {
  Destination,
  DestinationRule,
  GatewayHTTPRoute,
  HTTPMatchRequest,
  StringMatch,
  VirtualService,
} from './istio-types.ts';
import type { LintContext, RawFinding } from './lint.ts';
import type { HostNames } from './lint-objects.ts';
import { lintShadowedRules } from './lint-shadowing.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

/** `routePath` is the route's own path (spec.http[2]); finding paths are only built for findings. */
function lintWeights(route: unknown[], routePath: string, out: RawFinding[]): void {
  const path = `${routePath}.route`;
  const weights: number[] = [];
  let missing = 0;
  route.forEach((d, i) => {
    const w = isRecord(d) ? d.weight : undefined;
    if (w === undefined || w === null) {
      missing++;
      weights.push(0);
    } else if (typeof w !== 'number' || !Number.isFinite(w)) {
      out.push({
        code: 'SY100',
        path: `${path}[${i}].weight`,
        message: `weight is ${JSON.stringify(w)}, not a number`,
        hint: 'write a whole number from 0 to 100',
      });
      weights.push(0);
    } else if (w < 0 || !Number.isInteger(w)) {
      out.push({
        code: 'SY103',
        path: `${path}[${i}].weight`,
        message: `weight is ${w}: weights are whole numbers from 0 to 100`,
        hint: 'round to whole numbers that sum to 100',
      });
      weights.push(Math.max(0, w));
    } else weights.push(w);
  });
  if (route.length < 2) return;
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    out.push({
      code: 'SY102',
      path,
      message: `all ${route.length} destinations have weight 0: no version receives traffic`,
      hint: 'give at least one destination a weight, e.g. 100 to the stable version',
    });
    return;
  }
  if (missing > 0)
    out.push({
      code: 'SY104',
      path,
      message: `${missing} of ${route.length} destinations have no weight and get none of the traffic`,
      hint: 'write every weight explicitly (0 for a version that should get nothing)',
    });
  if (sum !== 100)
    out.push({
      code: 'SY101',
      path,
      message: `weights sum to ${sum}, not 100; Envoy splits in proportion (${weights.map((w) => `${Math.round((w / sum) * 1000) / 10}%`).join(' / ')})`,
      hint: 'scale the weights so they sum to 100 (switchyard split does)',
    });
}

/**
 * The subsets each host's DestinationRules define, built once per lint run. Lookups are cached per
 * host: a host's DestinationRule is consulted by every route that names one of its subsets.
 */
export class SubsetIndex {
  private readonly byHost = new Map<string, { names: string[]; set?: ReadonlySet<string> }>();
  private readonly wildcards: Array<{ host: string; subsets: string[] }> = [];
  /** Answers for hosts no DestinationRule names exactly (wildcard rules, or none). */
  private readonly otherHosts = new Map<string, ReadonlySet<string> | null>();

  constructor(rules: readonly DestinationRule[], hostNames: HostNames) {
    for (let r = 0; r < rules.length; r++) {
      const dr = rules[r]!;
      if (!isRecord(dr.spec) || typeof dr.spec.host !== 'string') continue;
      const host = hostNames.canonical(dr.spec.host, dr.metadata?.namespace);
      const subsets: string[] = [];
      for (const s of Array.isArray(dr.spec.subsets) ? dr.spec.subsets : [])
        if (isRecord(s) && typeof s.name === 'string') subsets.push(s.name);
      const known = this.byHost.get(host);
      if (known) known.names.push(...subsets);
      else this.byHost.set(host, { names: subsets.slice() });
      if (host.startsWith('*')) this.wildcards.push({ host, subsets });
    }
  }

  /** The subsets defined for a canonical host (wildcard rules when none names it exactly), or null. */
  lookup(host: string): ReadonlySet<string> | null {
    const exact = this.byHost.get(host);
    if (exact) {
      exact.set ??= new Set(exact.names);
      return exact.set;
    }
    let answer = this.otherHosts.get(host);
    if (answer === undefined) {
      const chosen = this.wildcards.filter((e) => hostMatches(e.host, host));
      answer = chosen.length === 0 ? null : new Set(chosen.flatMap((e) => e.subsets));
      this.otherHosts.set(host, answer);
    }
    return answer;
  }
}

/**
 * Subsets of every destination of one route (route, mirror, mirrors), in that order. Paths are
 * built only for findings: most destinations name a subset their DestinationRule defines.
 */
function lintRouteSubsets(
  route: Record<string, unknown>,
  routePath: string,
  scope: RouteLintScope,
  out: RawFinding[],
): void {
  if (Array.isArray(route.route))
    route.route.forEach((r, i) => {
      lintSubset(isRecord(r) ? r.destination : null, scope, out, routePath, '.route', i);
    });
  lintSubset(route.mirror, scope, out, routePath, '.mirror', -1);
  if (Array.isArray(route.mirrors))
    route.mirrors.forEach((m, i) => {
      lintSubset(isRecord(m) ? m.destination : null, scope, out, routePath, '.mirrors', i);
    });
}

/** What checking one VirtualService's destinations needs: built once per lint run, and its namespace. */
interface RouteLintScope {
  subsets: SubsetIndex;
  hostNames: HostNames;
  namespace: string | undefined;
}

function lintSubset(
  d: unknown,
  scope: RouteLintScope,
  out: RawFinding[],
  routePath: string,
  field: '.route' | '.mirror' | '.mirrors',
  i: number,
): void {
  if (!isRecord(d) || typeof d.host !== 'string') return;
  const dest = d as unknown as Destination;
  if (typeof dest.subset !== 'string' || dest.subset === '') return;
  const known = scope.subsets.lookup(scope.hostNames.canonical(dest.host, scope.namespace));
  if (known?.has(dest.subset)) return;
  const path = i < 0 ? `${routePath}${field}` : `${routePath}${field}[${i}].destination`;
  if (known === null)
    out.push({
      code: 'SY111',
      path: `${path}.subset`,
      message: `routes to subset '${dest.subset}' of ${dest.host}, but no DestinationRule for that host is in the input`,
      hint: `lint the DestinationRule for ${dest.host} together with this VirtualService`,
    });
  else
    out.push({
      code: 'SY110',
      path: `${path}.subset`,
      message: `routes to subset '${dest.subset}', which the DestinationRule for ${dest.host} does not define (it has ${[...known].join(', ') || 'none'})`,
      hint: `add subset '${dest.subset}' to the DestinationRule before routing to it, or route to a defined subset; requests get 503 meanwhile`,
    });
}

const IGNORED_HEADER_KEYS = new Set(['uri', 'scheme', 'method', 'authority']);

const REGEX_FIELDS = ['uri', 'scheme', 'method', 'authority'] as const;
const REGEX_MAPS = ['headers', 'withoutHeaders', 'queryParams'] as const;
const HEADER_MAPS = ['headers', 'withoutHeaders'] as const;

function isRegexMatch(sm: unknown): boolean {
  return !!sm && typeof sm === 'object' && typeof (sm as StringMatch).regex === 'string';
}

/** Whether findInvalidRegexes has anything to check in this match (most matches hold no regex). */
function hasRegex(m: Record<string, unknown>): boolean {
  for (const field of REGEX_FIELDS) if (isRegexMatch(m[field])) return true;
  for (const field of REGEX_MAPS) {
    const map = m[field];
    if (map && typeof map === 'object')
      for (const key in map)
        if (Object.hasOwn(map, key) && isRegexMatch((map as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function lintMatchFields(
  matches: unknown[],
  routePath: string,
  context: LintContext,
  out: RawFinding[],
): void {
  const path = `${routePath}.match`;
  matches.forEach((m, j) => {
    if (!isRecord(m)) return;
    if (hasRegex(m))
      for (const bad of findInvalidRegexes([m as HTTPMatchRequest], context.engine)) {
        out.push({
          code: 'SY130',
          path: `${path}[${j}]${bad.path.slice(3)}`,
          message: `invalid RE2 regex '${bad.pattern}': ${bad.error}`,
          hint: 'Envoy compiles regexes with RE2: no lookahead, lookbehind or backreferences',
        });
      }
    for (const field of HEADER_MAPS) {
      const map = m[field];
      if (!isRecord(map)) continue;
      for (const key of Object.keys(map)) {
        if (IGNORED_HEADER_KEYS.has(key.toLowerCase()))
          out.push({
            code: 'SY132',
            path: `${path}[${j}].${field}.${key}`,
            message: `Istio ignores the header key '${key}'`,
            hint: `use the match field '${key.toLowerCase()}' instead`,
          });
        else if (key !== key.toLowerCase())
          out.push({
            code: 'SY132',
            path: `${path}[${j}].${field}.${key}`,
            message: `header key '${key}' is not lowercase`,
            hint: `write '${key.toLowerCase()}': Istio requires lowercase header keys`,
          });
      }
    }
    const qp = m.queryParams;
    if (isRecord(qp))
      for (const [key, sm] of Object.entries(qp))
        if (isRecord(sm) && typeof sm.prefix === 'string')
          out.push({
            code: 'SY131',
            path: `${path}[${j}].queryParams.${key}.prefix`,
            message: `Istio does not support prefix on query parameters: this only checks that '${key}' is present`,
            hint: `use regex: "${sm.prefix.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}.*"`,
          });
  });
}

const ROUTE_KINDS = ['http', 'tcp', 'tls'] as const;
type RouteKind = (typeof ROUTE_KINDS)[number];

/** `spec.http[2]`: the same few strings for every VirtualService, so built once. */
const routePaths: Record<RouteKind, string[]> = { http: [], tcp: [], tls: [] };
function routePath(kind: RouteKind, i: number): string {
  const known = routePaths[kind][i];
  if (known !== undefined) return known;
  const path = `spec.${kind}[${i}]`;
  if (i < 64) routePaths[kind][i] = path;
  return path;
}

export function lintVirtualService(
  vs: VirtualService,
  subsets: SubsetIndex,
  context: LintContext,
  hostNames: HostNames,
): RawFinding[] {
  const out: RawFinding[] = [];
  const spec = vs.spec;
  if (spec === undefined)
    return [
      {
        code: 'SY100',
        path: 'spec',
        message: 'has no spec',
        hint: 'a VirtualService needs spec.hosts and routes',
      },
    ];
  if (!isRecord(spec))
    return [
      { code: 'SY100', path: 'spec', message: 'spec is not a mapping', hint: 'spec must be a mapping' },
    ];
  const scope: RouteLintScope = { subsets, hostNames, namespace: vs.metadata?.namespace };
  for (const kind of ROUTE_KINDS) {
    const routes = spec[kind];
    if (routes === undefined || routes === null) continue;
    if (!Array.isArray(routes)) {
      out.push({
        code: 'SY100',
        path: `spec.${kind}`,
        message: `spec.${kind} is not a list`,
        hint: `write spec.${kind} as a list of routes`,
      });
      continue;
    }
    routes.forEach((route, i) => {
      const path = routePath(kind, i);
      if (!isRecord(route)) {
        out.push({
          code: 'SY100',
          path,
          message: 'route is not a mapping',
          hint: 'each route is a mapping with match and route',
        });
        return;
      }
      if (Array.isArray(route.route)) lintWeights(route.route, path, out);
      else if (route.route !== undefined)
        out.push({
          code: 'SY100',
          path: `${path}.route`,
          message: 'route is not a list',
          hint: 'write route as a list of destinations',
        });
      lintRouteSubsets(route, path, scope, out);
      if (kind === 'http' && Array.isArray(route.match)) lintMatchFields(route.match, path, context, out);
    });
    if (kind === 'http') out.push(...lintShadowedRules(routes, context.engine));
  }
  return out;
}

export function lintDestinationRule(dr: DestinationRule, context: LintContext): RawFinding[] {
  const spec = dr.spec;
  if (!isRecord(spec))
    return [
      {
        code: 'SY100',
        path: 'spec',
        message: 'has no spec mapping',
        hint: 'a DestinationRule needs spec.host',
      },
    ];
  if (typeof spec.host !== 'string')
    return [
      {
        code: 'SY100',
        path: 'spec.host',
        message: 'spec.host is missing or not a string',
        hint: 'name the service host',
      },
    ];
  const subsets = spec.subsets;
  if (subsets === undefined) return [];
  if (!Array.isArray(subsets))
    return [
      {
        code: 'SY100',
        path: 'spec.subsets',
        message: 'spec.subsets is not a list',
        hint: 'write subsets as a list',
      },
    ];
  const out: RawFinding[] = [];
  const seen = new Map<string, number>();
  // The host's namespace only matters when pods are known.
  const hostNs = context.pods ? canonicalHost(spec.host, dr.metadata?.namespace).split('.')[1] : undefined;
  subsets.forEach((s, i) => {
    if (!isRecord(s) || typeof s.name !== 'string') {
      out.push({
        code: 'SY100',
        path: `spec.subsets[${i}]`,
        message: 'subset has no name',
        hint: 'every subset needs a name',
      });
      return;
    }
    const first = seen.get(s.name);
    if (first !== undefined)
      out.push({
        code: 'SY113',
        path: `spec.subsets[${i}].name`,
        message: `subset '${s.name}' is defined twice (first at spec.subsets[${first}])`,
        hint: 'remove or rename one of them',
      });
    else seen.set(s.name, i);
    const labels = isRecord(s.labels) ? (s.labels as Record<string, unknown>) : {};
    if (context.pods && Object.keys(labels).length > 0) {
      const selects = context.pods.some(
        (p) =>
          (p.namespace === undefined || hostNs === undefined || p.namespace === hostNs) &&
          Object.entries(labels).every(([k, v]) => p.labels[k] === v),
      );
      if (!selects)
        out.push({
          code: 'SY112',
          path: `spec.subsets[${i}].labels`,
          message: `subset '${s.name}' selects no pods (labels ${Object.entries(labels)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')})`,
          hint: 'deploy the version first, or fix the labels; traffic routed here gets 503 no_healthy_upstream',
        });
    }
  });
  return out;
}

/** Gateway API: weights are relative; all zero means the rule answers 500. */
export function lintGatewayRoute(route: GatewayHTTPRoute): RawFinding[] {
  const spec = route.spec;
  if (!isRecord(spec))
    return [
      { code: 'SY100', path: 'spec', message: 'has no spec mapping', hint: 'an HTTPRoute needs spec.rules' },
    ];
  if (spec.rules === undefined) return [];
  if (!Array.isArray(spec.rules))
    return [
      {
        code: 'SY100',
        path: 'spec.rules',
        message: 'spec.rules is not a list',
        hint: 'write rules as a list',
      },
    ];
  const out: RawFinding[] = [];
  spec.rules.forEach((rule, i) => {
    const refs = isRecord(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : [];
    if (refs.length < 2) return;
    const weights = refs.map((r) => (isRecord(r) && typeof r.weight === 'number' ? r.weight : 1));
    if (weights.some((w) => w < 0 || !Number.isInteger(w)))
      out.push({
        code: 'SY103',
        path: `spec.rules[${i}].backendRefs`,
        message: 'a backendRef weight is negative or not a whole number',
        hint: 'weights are whole numbers of 0 or more',
      });
    else if (weights.every((w) => w === 0))
      out.push({
        code: 'SY102',
        path: `spec.rules[${i}].backendRefs`,
        message: 'every backendRef has weight 0: the rule answers 500',
        hint: 'give at least one backend a weight',
      });
  });
  return out;
}
