// The demo fleet's clusters: their names and how each one's starting state differs from the
// demo seed, so a fleet view has drift to show. Pure data over seedObjects().
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { BOOKINFO_NAMESPACE, SHOP_NAMESPACE } from '../seed/demo-apps.ts';
import { seedObjects } from '../seed/seed-objects.ts';

// 12: room for the 10-cluster figure of the fleet benchmark (test/bench/fleet.bench.ts).
export const FLEET_MAX_CLUSTERS = 12;
export const FLEET_REGIONS = ['eu', 'us', 'ap'] as const;

/** `demo-eu-1`, `demo-us-1`, `demo-ap-1`, `demo-eu-2`, …: the region cycles, the number counts up. */
export function fleetClusterNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > FLEET_MAX_CLUSTERS) {
    throw new Error(
      `fleetClusterNames: count must be a whole number from 1 to ${FLEET_MAX_CLUSTERS}, got ${count}`,
    );
  }
  return Array.from(
    { length: count },
    (_, i) => `demo-${FLEET_REGIONS[i % FLEET_REGIONS.length]}-${Math.floor(i / FLEET_REGIONS.length) + 1}`,
  );
}

/**
 * How cluster i (0-based) starts: variation i mod 4.
 *   0 `seed`            the demo seed as `switchyard demo` has it (reviews 80/10/10, payment 90/10)
 *   1 `reviews-ahead`   reviews' catch-all split is v1 50%, v2 40%, v3 10% (its canary further along)
 *   2 `payment-on-v2`   payment is already on the newer version: catch-all v1 0%, v2 100%
 *   3 `reviews-no-v3`   reviews v3 is not deployed: no Deployment, no subset, no `canary-header`
 *                       rule, catch-all v1 80%, v2 20%
 * So with --clusters 3: demo-eu-1 is the seed, demo-us-1's reviews split differs, demo-ap-1 has
 * payment v2 at 100%; demo-eu-2 (the 4th) lacks reviews v3; the 5th to 8th repeat the cycle.
 */
export const FLEET_VARIATIONS = [
  { name: 'seed', words: 'the demo seed' },
  { name: 'reviews-ahead', words: "reviews' catch-all split is v1 50%, v2 40%, v3 10%" },
  { name: 'payment-on-v2', words: 'payment is already on v2 (catch-all v1 0%, v2 100%)' },
  { name: 'reviews-no-v3', words: 'reviews v3 is not deployed (catch-all v1 80%, v2 20%)' },
] as const;

export type FleetVariation = (typeof FLEET_VARIATIONS)[number];

export function fleetVariation(index: number): FleetVariation {
  return FLEET_VARIATIONS[index % FLEET_VARIATIONS.length] as FleetVariation;
}

interface RouteDestination {
  destination: { host: string; subset?: string };
  weight?: number;
}
interface HttpRoute {
  name?: string;
  route?: RouteDestination[];
}

function find(objects: KubeObject[], kind: string, namespace: string, name: string): KubeObject {
  const found = objects.find(
    (o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name,
  );
  if (!found) throw new Error(`demo fleet: the seed has no ${kind} ${namespace}/${name}`);
  return found;
}

function httpRoutes(vs: KubeObject): HttpRoute[] {
  return (vs.spec as { http: HttpRoute[] }).http;
}

function setDefaultWeights(vs: KubeObject, weights: Record<string, number>): void {
  const route = httpRoutes(vs).find((r) => r.name === 'default');
  if (!route?.route) throw new Error(`demo fleet: ${vs.metadata.name} has no default route`);
  route.route = route.route.filter(
    (d) => d.destination.subset !== undefined && d.destination.subset in weights,
  );
  for (const d of route.route) d.weight = weights[d.destination.subset ?? ''] ?? 0;
}

/** The objects cluster `index` of the fleet starts with: the seed (its cluster IPs by `seed`), varied. */
export function fleetClusterObjects(index: number, opts: { seed: number; services: number }): KubeObject[] {
  const objects = seedObjects(opts);
  const variation = fleetVariation(index);
  if (variation.name === 'reviews-ahead') {
    setDefaultWeights(find(objects, 'VirtualService', BOOKINFO_NAMESPACE, 'reviews'), {
      v1: 50,
      v2: 40,
      v3: 10,
    });
  } else if (variation.name === 'payment-on-v2') {
    setDefaultWeights(find(objects, 'VirtualService', SHOP_NAMESPACE, 'payment'), { v1: 0, v2: 100 });
  } else if (variation.name === 'reviews-no-v3') {
    const vs = find(objects, 'VirtualService', BOOKINFO_NAMESPACE, 'reviews');
    (vs.spec as { http: HttpRoute[] }).http = httpRoutes(vs).filter((r) => r.name !== 'canary-header');
    setDefaultWeights(vs, { v1: 80, v2: 20 });
    const dr = find(objects, 'DestinationRule', BOOKINFO_NAMESPACE, 'reviews');
    const spec = dr.spec as { subsets: Array<{ name: string }> };
    spec.subsets = spec.subsets.filter((s) => s.name !== 'v3');
    const deployment = find(objects, 'Deployment', BOOKINFO_NAMESPACE, 'reviews-v3');
    return objects.filter((o) => o !== deployment);
  }
  return objects;
}
