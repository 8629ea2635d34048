// A release view's mixed-mesh findings are read against only the routes that claim one of its
// route's hosts (at 50,000 routes, reading every one took ~220 ms a view). Whatever the routes,
// that must find exactly what the lint finds against all of them.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findingView, meshModeFacts, meshModeFindings } from '../../../main/core/views/mesh-mode-views.ts';
import type { ObjectLookup } from '../../../main/core/views/release-views.ts';
import { lintMeshModes } from '../../../shared/mesh/lint/index.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';

const namespaces = ['shop', 'ledger', 'Shop'];
const hostArb = fc.constantFrom(
  'cart',
  'Cart',
  'cart.shop',
  'cart.shop.svc.cluster.local',
  'pay',
  'pay.ledger.svc.cluster.local',
  '*.shop.svc.cluster.local',
  'example.com',
);

const routeArb: fc.Arbitrary<RouteSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('VirtualService' as const),
    ns: fc.constantFrom(...namespaces),
    hosts: fc.array(hostArb, { minLength: 0, maxLength: 3 }),
    gateways: fc.option(fc.constantFrom(['mesh'], ['istio-system/ingress'], ['mesh', 'ingress']), {
      nil: undefined,
    }),
  }),
  fc.record({
    kind: fc.constant('HTTPRoute' as const),
    ns: fc.constantFrom(...namespaces),
    parents: fc.array(
      fc.record({
        name: fc.constantFrom('cart', 'pay'),
        namespace: fc.option(fc.constantFrom(...namespaces), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
    // A catch-all rule and a creation time: two such routes on one Service make SY174.
    catchAll: fc.boolean(),
    created: fc.option(fc.constantFrom('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), { nil: undefined }),
  }),
);

type RouteSpec =
  | { kind: 'VirtualService'; ns: string; hosts: string[]; gateways: readonly string[] | undefined }
  | {
      kind: 'HTTPRoute';
      ns: string;
      parents: Array<{ name: string; namespace: string | undefined }>;
      catchAll?: boolean;
      created?: string | undefined;
    };

function objectOf(r: RouteSpec, i: number): KubeObject {
  const metadata = { name: `r${i}`, namespace: r.ns };
  if (r.kind === 'VirtualService')
    return {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata,
      spec: { hosts: r.hosts, ...(r.gateways ? { gateways: [...r.gateways] } : {}), http: [] },
    };
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { ...metadata, ...(r.created ? { creationTimestamp: r.created } : {}) },
    spec: {
      ...(r.catchAll ? { rules: [{ backendRefs: [] }] } : {}),
      parentRefs: r.parents.map((p) => ({
        group: '',
        kind: 'Service',
        name: p.name,
        ...(p.namespace ? { namespace: p.namespace } : {}),
      })),
    },
  };
}

function lookupOf(routes: KubeObject[]): ObjectLookup {
  return {
    find: (kind, namespace, name) =>
      routes.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name),
    pods: () => [],
    routes: () => routes,
    namespaceLabels: (ns) => (ns === 'ledger' ? { 'istio.io/dataplane-mode': 'ambient' } : undefined),
  };
}

describe("a release view's mixed and ambient mesh findings", () => {
  it('are what the lint finds for its route against every route, for any set of routes', () => {
    let withFindings = 0;
    fc.assert(
      fc.property(fc.array(routeArb, { minLength: 1, maxLength: 12 }), fc.nat(), (specs, pick) => {
        const routes = specs.map(objectOf);
        const own = routes[pick % routes.length] as KubeObject;
        const lookup = lookupOf(routes);
        const release = {
          route: { kind: own.kind, namespace: own.metadata.namespace, name: own.metadata.name },
        } as unknown as ServiceRelease;
        const others = routes.filter((o) => o !== own);
        const expected = lintMeshModes([own, ...others], meshModeFacts(lookup), 0).map(findingView);
        expect(meshModeFindings(release, lookup)).toEqual(expected);
        // With the index's routes by host (a superset, here all of them), never the full list.
        const indexed: ObjectLookup = {
          ...lookup,
          routes: () => {
            throw new Error('read every route');
          },
          routesClaiming: () => routes,
        };
        expect(meshModeFindings(release, indexed)).toEqual(expected);
        if (expected.length > 0) withFindings++;
      }),
      { numRuns: 400 },
    );
    // The property means something only if many cases had findings to keep.
    expect(withFindings).toBeGreaterThan(40);
  });

  it('name every route of the other kind for a shared host, and no route of another host', () => {
    const routes = [
      objectOf({ kind: 'VirtualService', ns: 'shop', hosts: ['cart'], gateways: undefined }, 0),
      objectOf({ kind: 'HTTPRoute', ns: 'shop', parents: [{ name: 'cart', namespace: undefined }] }, 1),
      objectOf({ kind: 'HTTPRoute', ns: 'shop', parents: [{ name: 'pay', namespace: undefined }] }, 2),
      objectOf({ kind: 'HTTPRoute', ns: 'ledger', parents: [{ name: 'cart', namespace: 'shop' }] }, 3),
    ];
    const release = {
      route: { kind: 'VirtualService', namespace: 'shop', name: 'r0' },
    } as unknown as ServiceRelease;
    const [finding, ...rest] = meshModeFindings(release, lookupOf(routes));
    expect(rest).toEqual([]);
    expect(finding?.code).toBe('SY170');
    expect(finding?.message).toContain('also HTTPRoute shop/r1, HTTPRoute ledger/r3)');
  });

  it("name the older HTTPRoute whose catch-all takes this one's (SY174), found through the index", () => {
    const route = (i: number, created: string) =>
      objectOf(
        {
          kind: 'HTTPRoute',
          ns: 'shop',
          parents: [{ name: 'cart', namespace: undefined }],
          catchAll: true,
          created,
        },
        i,
      );
    const routes = [route(0, '2026-02-01T00:00:00Z'), route(1, '2026-01-01T00:00:00Z')];
    const lookup: ObjectLookup = { ...lookupOf(routes), routesClaiming: () => routes };
    const younger = {
      route: { kind: 'HTTPRoute', namespace: 'shop', name: 'r0' },
    } as unknown as ServiceRelease;
    const older = {
      route: { kind: 'HTTPRoute', namespace: 'shop', name: 'r1' },
    } as unknown as ServiceRelease;
    expect(meshModeFindings(younger, lookup).map((f) => [f.code, f.path])).toEqual([
      ['SY174', 'spec.rules[0]'],
    ]);
    expect(meshModeFindings(younger, lookup)[0]?.message).toContain('HTTPRoute shop/r1, created earlier');
    expect(meshModeFindings(older, lookup)).toEqual([]);
  });
});
