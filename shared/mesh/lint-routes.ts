// Lint checks inside one routing object: weights, subsets, regexes, header keys, shadowed rules.

import { findInvalidRegexes } from './content-policy.ts';
import { canonicalHost, hostMatches } from './evaluator.ts';
import type {
  Destination,
  DestinationRule,
  GatewayHTTPRoute,
  HTTPMatchRequest,
  VirtualService,
} from './istio-types.ts';
import type { LintContext, RawFinding } from './lint.ts';
import { lintShadowedRules } from './lint-shadowing.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

function lintWeights(route: unknown[], path: string): RawFinding[] {
  const out: RawFinding[] = [];
  const weights: number[] = [];
  let missing = 0;
  route.forEach((d, i) => {
    const w = isRecord(d) ? d.weight : undefined;
    const at = `${path}[${i}].weight`;
    if (w === undefined || w === null) {
      missing++;
      weights.push(0);
    } else if (typeof w !== 'number' || !Number.isFinite(w)) {
      out.push({
        code: 'SY100',
        path: at,
        message: `weight is ${JSON.stringify(w)}, not a number`,
        hint: 'write a whole number from 0 to 100',
      });
      weights.push(0);
    } else if (w < 0 || !Number.isInteger(w)) {
      out.push({
        code: 'SY103',
        path: at,
        message: `weight is ${w}: weights are whole numbers from 0 to 100`,
        hint: 'round to whole numbers that sum to 100',
      });
      weights.push(Math.max(0, w));
    } else weights.push(w);
  });
  if (route.length < 2) return out;
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    out.push({
      code: 'SY102',
      path,
      message: `all ${route.length} destinations have weight 0: no version receives traffic`,
      hint: 'give at least one destination a weight, e.g. 100 to the stable version',
    });
    return out;
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
  return out;
}

interface SubsetIndex {
  lookup(host: string): Set<string> | null;
}

const subsetIndexes = new WeakMap<readonly DestinationRule[], SubsetIndex>();

/** Built once per lint run: lintObjects passes the same list for every VirtualService. */
function indexSubsets(rules: readonly DestinationRule[]): SubsetIndex {
  const cached = subsetIndexes.get(rules);
  if (cached) return cached;
  const index = buildSubsetIndex(rules);
  subsetIndexes.set(rules, index);
  return index;
}

function buildSubsetIndex(rules: readonly DestinationRule[]): SubsetIndex {
  const byHost = new Map<string, string[]>();
  const entries = rules
    .filter((dr) => isRecord(dr.spec) && typeof dr.spec.host === 'string')
    .map((dr) => ({
      host: canonicalHost(dr.spec!.host, dr.metadata?.namespace),
      subsets: (Array.isArray(dr.spec!.subsets) ? dr.spec!.subsets : [])
        .map((s) => (isRecord(s) && typeof s.name === 'string' ? s.name : null))
        .filter((s): s is string => s !== null),
    }));
  const wildcards = entries.filter((e) => e.host.startsWith('*'));
  for (const e of entries) byHost.set(e.host, [...(byHost.get(e.host) ?? []), ...e.subsets]);
  return {
    lookup(host) {
      const exact = byHost.get(host);
      if (exact) return new Set(exact);
      const chosen = wildcards.filter((e) => hostMatches(e.host, host));
      return chosen.length === 0 ? null : new Set(chosen.flatMap((e) => e.subsets));
    },
  };
}

function destinationsOf(
  route: Record<string, unknown>,
  path: string,
): Array<{ dest: Destination; path: string }> {
  const out: Array<{ dest: Destination; path: string }> = [];
  const push = (d: unknown, p: string): void => {
    if (isRecord(d) && typeof d.host === 'string') out.push({ dest: d as unknown as Destination, path: p });
  };
  if (Array.isArray(route.route))
    route.route.forEach((r, i) => {
      push(isRecord(r) ? r.destination : null, `${path}.route[${i}].destination`);
    });
  push(route.mirror, `${path}.mirror`);
  if (Array.isArray(route.mirrors))
    route.mirrors.forEach((m, i) => {
      push(isRecord(m) ? m.destination : null, `${path}.mirrors[${i}].destination`);
    });
  return out;
}

function lintSubsets(
  dests: Array<{ dest: Destination; path: string }>,
  subsets: SubsetIndex,
  namespace: string | undefined,
): RawFinding[] {
  const out: RawFinding[] = [];
  for (const { dest, path } of dests) {
    if (typeof dest.subset !== 'string' || dest.subset === '') continue;
    const host = canonicalHost(dest.host, namespace);
    const known = subsets.lookup(host);
    if (known === null)
      out.push({
        code: 'SY111',
        path: `${path}.subset`,
        message: `routes to subset '${dest.subset}' of ${dest.host}, but no DestinationRule for that host is in the input`,
        hint: `lint the DestinationRule for ${dest.host} together with this VirtualService`,
      });
    else if (!known.has(dest.subset))
      out.push({
        code: 'SY110',
        path: `${path}.subset`,
        message: `routes to subset '${dest.subset}', which the DestinationRule for ${dest.host} does not define (it has ${[...known].join(', ') || 'none'})`,
        hint: `add subset '${dest.subset}' to the DestinationRule before routing to it, or route to a defined subset; requests get 503 meanwhile`,
      });
  }
  return out;
}

const IGNORED_HEADER_KEYS = new Set(['uri', 'scheme', 'method', 'authority']);

function lintMatchFields(matches: unknown[], path: string, context: LintContext): RawFinding[] {
  const out: RawFinding[] = [];
  matches.forEach((m, j) => {
    if (!isRecord(m)) return;
    for (const bad of findInvalidRegexes([m as HTTPMatchRequest], context.engine)) {
      out.push({
        code: 'SY130',
        path: `${path}[${j}]${bad.path.slice(3)}`,
        message: `invalid RE2 regex '${bad.pattern}': ${bad.error}`,
        hint: 'Envoy compiles regexes with RE2: no lookahead, lookbehind or backreferences',
      });
    }
    for (const field of ['headers', 'withoutHeaders'] as const) {
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
  return out;
}

export function lintVirtualService(
  vs: VirtualService,
  destinationRules: readonly DestinationRule[],
  context: LintContext,
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
  const ns = vs.metadata?.namespace;
  const subsets = indexSubsets(destinationRules);
  for (const kind of ['http', 'tcp', 'tls'] as const) {
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
      const path = `spec.${kind}[${i}]`;
      if (!isRecord(route)) {
        out.push({
          code: 'SY100',
          path,
          message: 'route is not a mapping',
          hint: 'each route is a mapping with match and route',
        });
        return;
      }
      if (Array.isArray(route.route)) out.push(...lintWeights(route.route, `${path}.route`));
      else if (route.route !== undefined)
        out.push({
          code: 'SY100',
          path: `${path}.route`,
          message: 'route is not a list',
          hint: 'write route as a list of destinations',
        });
      out.push(...lintSubsets(destinationsOf(route, path), subsets, ns));
      if (kind === 'http' && Array.isArray(route.match))
        out.push(...lintMatchFields(route.match, `${path}.match`, context));
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
  const hostNs = canonicalHost(spec.host, dr.metadata?.namespace).split('.')[1];
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
