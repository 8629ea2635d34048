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

import type { VirtualService } from '../model/index.ts';
import { gatewayKey } from '../model/index.ts';
import { findInvalidRegexes } from '../policy/index.ts';
import type { CompiledRouter, MeshRequest, RouteOutcome, RouterOptions, RuleRef } from './evaluator-types.ts';
import { RouteCompileError } from './evaluator-types.ts';
import type { CompiledRule } from './route-action.ts';
import { compileAction, subsetIndex } from './route-action.ts';
import { compileMatch, prepare } from './route-match.ts';

export { canonicalHost, hostMatches } from '../model/index.ts';
export type {
  CompiledRouter,
  MeshRequest,
  RouteOutcome,
  RouterOptions,
  RuleRef,
} from './evaluator-types.ts';
export { RouteCompileError } from './evaluator-types.ts';

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

/** One-off evaluation; compile once with compileVirtualService to route many requests. */
export function evaluateRequest(
  vs: VirtualService,
  request: MeshRequest,
  random: number,
  options: RouterOptions,
): RouteOutcome {
  return compileVirtualService(vs, options).route(request, random);
}
