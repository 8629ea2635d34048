// Effective traffic: the share of requests each version really receives, once the content rules
// (in order, first match wins), the weighted catch-all and the disabled rules are all taken into
// account. The catch-all weights alone say nothing about the requests a rule sends elsewhere: after
// "all traffic to v1" with an `end-user: jason → v2` rule still in place, v2 keeps getting jason.
//
// One pure function does the counting for every screen (cards, split bar, comparison, wizard,
// cut-over and rollback confirmations). It is generic over the request type so that the property
// tests can use plain values; `releaseTrafficRoutes` builds its input from an Istio release (first
// match in list order), `routedTrafficRoutes` from the rule a compiled router picks for each request
// (an HTTPRoute: Gateway API's precedence).

import type { HTTPMatchRequest, RegexEngine, ServiceRelease, TrafficSplit } from '../model/index.ts';
import type { DesiredRelease } from '../plan/index.ts';
import type { MeshRequest } from './evaluator-types.ts';
import type { PreparedRequest } from './route-match.ts';
import { compileMatch, prepare } from './route-match.ts';

/** One route in evaluation order: requests it matches go to its targets in proportion to their weights. */
export interface TrafficRoute<R> {
  /** What the screens call it: `rule 2` / the rule's name / `catch-all`. */
  label: string;
  /** Disabled routes are skipped, exactly as if they were not there. */
  enabled: boolean;
  matches: (request: R) => boolean;
  /** The weighted catch-all (its requests count as `viaCatchAll`), not a content rule. */
  catchAll?: boolean;
  /** Relative weights (Istio percentages or Gateway API weights alike); a single target may be 1. */
  targets: ReadonlyArray<TrafficTarget>;
}

export interface TrafficTarget {
  version: string;
  weight: number;
  /** False where the proxy cannot reach it (no subset, no Service): its part answers 503/500. */
  routable?: boolean;
}

export interface WeightedRequest<R> {
  request: R;
  /** How many requests this one stands for (a measured rate, a count); default 1. */
  weight?: number;
}

export interface EffectiveTraffic {
  /** Total weight of the population. */
  total: number;
  /** Per version, the fraction (0..1) of all requests it receives, in first-seen order. */
  versions: Array<{ version: string; share: number; viaRules: number; viaCatchAll: number }>;
  /** Per route (by position in the input), the fraction of all requests it caught. */
  routes: Array<{ label: string; catchAll: boolean; share: number }>;
  /** Requests no enabled route caught (Envoy answers 404). */
  unrouted: number;
  /** Requests caught by a route whose targets weigh nothing or cannot be reached (Envoy answers 503/500). */
  noTarget: number;
}

/**
 * Where a population of requests goes. Each request takes the first enabled route that matches it;
 * its weight is divided among that route's targets in proportion to their weights (the expected
 * value of Envoy's weighted pick, so the figures do not jitter with a random seed). Shares, the
 * unrouted and the no-target fractions add up to 1 (for a non-empty population).
 */
export function effectiveTraffic<R>(
  routes: ReadonlyArray<TrafficRoute<R>>,
  population: Iterable<WeightedRequest<R>>,
): EffectiveTraffic {
  const perVersion = new Map<string, { rules: number; catchAll: number }>();
  const perRoute = routes.map(() => 0);
  const enabled = routes.flatMap((r, i) => (r.enabled ? [i] : []));
  let total = 0;
  let unrouted = 0;
  let noTarget = 0;
  for (const { request, weight: w = 1 } of population) {
    if (!(w > 0)) continue;
    total += w;
    const i = enabled.find((k) => routes[k]!.matches(request));
    if (i === undefined) {
      unrouted += w;
      continue;
    }
    perRoute[i] = (perRoute[i] ?? 0) + w;
    const route = routes[i]!;
    const sum = route.targets.reduce((s, t) => s + Math.max(0, t.weight), 0);
    if (!(sum > 0)) {
      noTarget += w;
      continue;
    }
    for (const t of route.targets) {
      if (!(t.weight > 0)) continue;
      if (t.routable === false) {
        noTarget += (w * t.weight) / sum;
        continue;
      }
      const row = perVersion.get(t.version) ?? { rules: 0, catchAll: 0 };
      if (route.catchAll) row.catchAll += (w * t.weight) / sum;
      else row.rules += (w * t.weight) / sum;
      perVersion.set(t.version, row);
    }
  }
  const frac = (x: number) => (total > 0 ? x / total : 0);
  return {
    total,
    versions: [...perVersion].map(([version, row]) => ({
      version,
      share: frac(row.rules + row.catchAll),
      viaRules: frac(row.rules),
      viaCatchAll: frac(row.catchAll),
    })),
    routes: routes.map((r, i) => ({
      label: r.label,
      catchAll: r.catchAll === true,
      share: frac(perRoute[i] ?? 0),
    })),
    unrouted: frac(unrouted),
    noTarget: frac(noTarget),
  };
}

export const CATCH_ALL = 'catch-all';

type Input = ServiceRelease | DesiredRelease;

function asDesiredParts(x: Input): {
  release: ServiceRelease;
  split: TrafficSplit;
  rules: Array<{ name?: string; version: string; enabled: boolean; matches: HTTPMatchRequest[] }>;
} {
  if ('split' in x && 'release' in x) return x;
  return {
    release: x,
    split: (x.defaultRoute?.destinations ?? []).map((d) => ({ version: d.version, weight: d.weight })),
    rules: [
      ...x.rules.map((r) => ({
        ...(r.name !== undefined ? { name: r.name } : {}),
        version: r.version,
        enabled: true,
        matches: r.matches,
      })),
      ...x.disabledRules.map((r) => ({
        ...(r.name !== undefined ? { name: r.name } : {}),
        version: r.version,
        enabled: false,
        matches: (r.route.match ?? []) as HTTPMatchRequest[],
      })),
    ],
  };
}

/**
 * The routes of a release (as it is, or as an operator's unapplied change would make it), in the
 * order a proxy evaluates them: the enabled content rules, then the catch-all. A rule whose match
 * cannot compile (an invalid RE2 pattern) catches nothing and is reported in `invalid`, so no
 * screen claims a share for it. This is Istio's first-match order, with Istio's matching: it is not
 * how an HTTPRoute routes (Gateway API takes the most specific match whatever the rule order, and
 * its PathPrefix matches whole path segments), so for a Gateway API release route with
 * compileHTTPRoute and count with routedTrafficRoutes instead.
 */
export function releaseTrafficRoutes(
  x: Input,
  engine: RegexEngine,
): { routes: TrafficRoute<MeshRequest>[]; invalid: Array<{ position: number; message: string }> } {
  const d = asDesiredParts(x);
  const ns = d.release.namespace;
  const authority = d.release.hosts[0] ?? d.release.host;
  const prepared = new WeakMap<MeshRequest, PreparedRequest>();
  const prep = (r: MeshRequest) => {
    let p = prepared.get(r);
    if (!p) {
      p = prepare(r, authority, ns, ['mesh']);
      prepared.set(r, p);
    }
    return p;
  };
  const invalid: Array<{ position: number; message: string }> = [];
  const routable = routableCheck(d.release);
  const routes: TrafficRoute<MeshRequest>[] = d.rules.map((rule, position) => {
    const label = rule.name ? rule.name : `rule ${position + 1}`;
    let predicates: Array<(p: PreparedRequest) => boolean> = [];
    try {
      predicates = rule.matches.map((m, k) => compileMatch(m, `rules[${position}].match[${k}]`, engine, ns));
    } catch (err) {
      invalid.push({ position, message: (err as Error).message });
      return { label, enabled: false, matches: () => false, targets: [] };
    }
    return {
      label,
      enabled: rule.enabled && predicates.length > 0,
      matches: (r: MeshRequest) => {
        const p = prep(r);
        return predicates.some((test) => test(p));
      },
      targets: [{ version: rule.version, weight: 1, routable: routable(rule.version) }],
    };
  });
  if (d.release.defaultRoute || d.split.length > 0) {
    routes.push({
      label: CATCH_ALL,
      catchAll: true,
      enabled: true,
      matches: () => true,
      targets: d.split.map((s) => ({ version: s.version, weight: s.weight, routable: routable(s.version) })),
    });
  }
  return { routes, invalid };
}

/** A version the proxy can send to: declared (a subset, a Service), or added by the change itself. */
function routableCheck(release: ServiceRelease): (version: string) => boolean {
  const byName = new Map(release.versions.map((v) => [v.name, v]));
  return (version) => byName.get(version)?.declared !== false;
}

/**
 * The routes of a release as read from the objects a compiled router routes with: the router says
 * which route (by index in the route object) each request takes, with the real precedence of its
 * API (Gateway API prefers the most specific match over rule order); the release says where that
 * route sends it. Requests taken by a route the model does not express (a redirect, a delegate) or
 * by none count as unrouted here; the router's own outcomes say what they get.
 */
export function routedTrafficRoutes<R>(
  release: ServiceRelease,
  routeIndexOf: (request: R) => number | null,
  isRoutable?: (version: string) => boolean,
): TrafficRoute<R>[] {
  const routable = isRoutable ?? routableCheck(release);
  const rules = [...release.rules].sort((a, b) => a.index - b.index);
  const routes: TrafficRoute<R>[] = rules.map((rule, k) => ({
    label: rule.name ?? `rule ${k + 1}`,
    enabled: true,
    matches: (r: R) => routeIndexOf(r) === rule.index,
    targets: [{ version: rule.version, weight: 1, routable: routable(rule.version) }],
  }));
  const dr = release.defaultRoute;
  if (dr) {
    routes.push({
      label: CATCH_ALL,
      catchAll: true,
      enabled: true,
      matches: (r: R) => routeIndexOf(r) === dr.index,
      targets: dr.destinations.map((d) => ({
        version: d.version,
        weight: d.weight,
        routable: routable(d.version),
      })),
    });
  }
  return routes;
}

/** Versions that receive any traffic: the catch-all's weighted ones, every enabled rule's target and the versions routes outside the model send to. */
export function versionsReceivingTraffic(x: Input): string[] {
  const d = asDesiredParts(x);
  const out: string[] = [];
  const add = (v: string) => {
    if (!out.includes(v)) out.push(v);
  };
  for (const r of d.rules) if (r.enabled && r.matches.length > 0) add(r.version);
  // Routes the model does not edit (a matched split) send requests whatever the change does.
  for (const o of d.release.otherRoutes) for (const v of o.versions ?? []) add(v);
  for (const s of d.split) if (s.weight > 0) add(s.version);
  return out;
}

/** Measured shares from per-version request rates (req/s over one window); empty when nothing flowed. */
export function measuredShares(
  rates: ReadonlyArray<{ version: string; rps: number | null }>,
): Array<{ version: string; share: number }> {
  const total = rates.reduce((s, r) => s + (r.rps !== null && r.rps > 0 ? r.rps : 0), 0);
  if (!(total > 0)) return [];
  return rates.map((r) => ({ version: r.version, share: r.rps !== null && r.rps > 0 ? r.rps / total : 0 }));
}

/**
 * Whole-number percentages from fractions that add up to at most 1, by largest remainder, so a
 * row of figures on screen adds up to the rounded total (never 101%). Keys keep their order.
 */
export function roundedPercents(shares: ReadonlyArray<{ key: string; share: number }>): Map<string, number> {
  const exact = shares.map((s) => ({ key: s.key, x: Math.max(0, s.share) * 100 }));
  const target = Math.round(exact.reduce((s, e) => s + e.x, 0));
  const floors = exact.map((e) => ({ key: e.key, n: Math.floor(e.x), rest: e.x - Math.floor(e.x) }));
  let missing = target - floors.reduce((s, f) => s + f.n, 0);
  const order = [...floors].sort((a, b) => b.rest - a.rest);
  for (const f of order) {
    if (missing <= 0) break;
    f.n++;
    missing--;
  }
  return new Map(floors.map((f) => [f.key, f.n]));
}
