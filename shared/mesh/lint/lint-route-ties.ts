// Several HTTPRoutes attached to one Service (GAMMA mesh routes): Gateway API merges their rules
// and ranks the matches, and two equally specific matches go to the oldest route (by creation
// time, then namespace/name). So of two routes that each have a catch-all rule for the Service,
// only the oldest's catch-all ever takes a request: the other's split is shown and edited, and
// routes nothing.

import type { KubeObject } from '../model/index.ts';
import { isGatewayHTTPRoute, isPlainObject } from '../model/index.ts';
import { isCatchAllGatewayMatch } from '../read/index.ts';
import type { RawFinding } from './lint-types.ts';

const nsOf = (o: KubeObject) => o.metadata?.namespace || 'default';
const who = (o: KubeObject) => `HTTPRoute ${nsOf(o)}/${o.metadata?.name ?? ''}`;

/** The index of a route's first catch-all rule, or -1. */
function firstCatchAll(route: KubeObject): number {
  const rules = isPlainObject(route.spec) && Array.isArray(route.spec.rules) ? route.spec.rules : [];
  return rules.findIndex((r) => isPlainObject(r) && isCatchAllGatewayMatch(r.matches));
}

/** Gateway API's order of precedence between routes: created first, then namespace/name. */
function created(o: KubeObject): string | undefined {
  const t = o.metadata?.creationTimestamp;
  return typeof t === 'string' && t !== '' ? t : undefined;
}

/**
 * SY174 over routing objects: each HTTPRoute whose catch-all an older route attached to the same
 * Service (`hostsOf`) takes first; with no creation times (files not applied yet), each of the routes, since
 * the one applied first will win.
 */
export function catchAllTies(
  objects: readonly KubeObject[],
  /** A mesh HTTPRoute's hosts: its parent Services' FQDNs (lint-mesh-modes.ts). */
  hostsOf: (route: KubeObject) => string[],
): Array<{ index: number; raw: RawFinding }> {
  const byHost = new Map<string, Array<{ index: number; rule: number }>>();
  objects.forEach((o, index) => {
    if (!isGatewayHTTPRoute(o)) return;
    const rule = firstCatchAll(o);
    if (rule === -1) return;
    for (const host of new Set(hostsOf(o))) byHost.set(host, [...(byHost.get(host) ?? []), { index, rule }]);
  });
  const out: Array<{ index: number; raw: RawFinding }> = [];
  const hint =
    'keep one catch-all per Service: move the split into one HTTPRoute (its backendRefs), or delete the other route';
  for (const [host, routes] of byHost) {
    if (routes.length < 2) continue;
    const service = host
      .replace(/\.svc\.cluster\.local$/, '')
      .split('.')
      .reverse()
      .join('/');
    const times = routes.map((r) => created(objects[r.index] as KubeObject));
    if (times.some((t) => t === undefined)) {
      for (const r of routes) {
        const others = routes.filter((x) => x !== r).map((x) => who(objects[x.index] as KubeObject));
        out.push({
          index: r.index,
          raw: {
            code: 'SY174',
            path: `spec.rules[${r.rule}]`,
            message: `${others.join(', ')} also has a catch-all for Service ${service}: only the route created first takes the requests no more specific rule matches, so the other's split routes nothing`,
            hint,
          },
        });
      }
      continue;
    }
    const rank = (r: { index: number }) => {
      const o = objects[r.index] as KubeObject;
      return `${created(o)}|${nsOf(o)}/${o.metadata?.name ?? ''}`;
    };
    const oldest = routes.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    for (const r of routes) {
      if (r === oldest) continue;
      out.push({
        index: r.index,
        raw: {
          code: 'SY174',
          path: `spec.rules[${r.rule}]`,
          message: `this catch-all never takes a request: ${who(objects[oldest.index] as KubeObject)}, created earlier, is attached to Service ${service} too, and Gateway API gives its catch-all every request no more specific rule matches`,
          hint,
        },
      });
    }
  }
  return out;
}
