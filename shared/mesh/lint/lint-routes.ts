// Lint checks inside one VirtualService: weights, subsets, regexes, header keys, shadowed rules.
// (DestinationRules: lint-destination-rule.ts; Gateway API HTTPRoutes: lint-gateway-route.ts.)

import type { VirtualService } from '../model/index.ts';
import { notAStringList } from './lint-findings.ts';
import { lintMatchFields } from './lint-match-fields.ts';
import type { HostNames } from './lint-objects.ts';
import type { RouteLintScope, SubsetIndex } from './lint-route-subsets.ts';
import { lintRouteSubsets } from './lint-route-subsets.ts';
import { lintShadowedRules } from './lint-shadowing.ts';
import type { LintContext, RawFinding } from './lint-types.ts';

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
  out.push(...notAStringList(spec.hosts, 'spec.hosts', 'hosts'));
  out.push(...notAStringList(spec.gateways, 'spec.gateways', 'gateways'));
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
