import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import {
  isCatchAllGatewayMatch,
  readReleases,
  toGatewayMatches,
  toIstioMatches,
} from '../../../../shared/mesh/read/index.ts';
import { CATALOG_ROUTE_ID, storefrontCatalog } from '../../../helpers/storefront-objects.ts';

function route(spec: Record<string, unknown>, apiVersion = 'gateway.networking.k8s.io/v1'): KubeObject {
  return { apiVersion, kind: 'HTTPRoute', metadata: { name: 'checkout', namespace: 'shop' }, spec };
}

describe('readReleases on Gateway API HTTPRoutes', () => {
  it('takes one Service per version and shows proportional weights as percentages', () => {
    const [r] = readReleases([
      route({
        hostnames: ['checkout.example.com'],
        rules: [
          {
            backendRefs: [
              { name: 'v1-svc', port: 80, weight: 3 },
              { name: 'v2-svc', port: 80, weight: 1 },
            ],
          },
        ],
      }),
    ]);
    expect(r!.flavor).toBe('gateway-api');
    expect(r!.host).toBe('checkout.example.com');
    expect(r!.versions.map((v) => [v.name, v.origin])).toEqual([
      ['v1-svc', 'service'],
      ['v2-svc', 'service'],
    ]);
    expect(r!.defaultRoute?.destinations.map((d) => [d.rawWeight, d.weight])).toEqual([
      [3, 75],
      [1, 25],
    ]);
  });

  it('counts a backendRef without weight as 1', () => {
    const [r] = readReleases([route({ rules: [{ backendRefs: [{ name: 'a' }, { name: 'b' }] }] })]);
    expect(r!.defaultRoute?.destinations.map((d) => d.weight)).toEqual([50, 50]);
  });

  it('reads matched single-backend rules as content rules whatever their position', () => {
    const [r] = readReleases([
      route({
        rules: [
          { backendRefs: [{ name: 'stable' }] },
          {
            matches: [{ headers: [{ name: 'X-Canary', value: 'true' }] }],
            backendRefs: [{ name: 'canary' }],
          },
        ],
      }),
    ]);
    expect(r!.defaultRoute?.index).toBe(0);
    expect(r!.rules).toMatchObject([
      { id: 'rule:1', version: 'canary', matches: [{ headers: { 'x-canary': { exact: 'true' } } }] },
    ]);
  });

  it('lists the versions in the catch-all order whether a rule comes before it or not', () => {
    const split = {
      backendRefs: [
        { name: 'search-v1', weight: 9 },
        { name: 'search-v2', weight: 1 },
      ],
    };
    const canary = {
      matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: 'always' }] }],
      backendRefs: [{ name: 'search-v2' }],
    };
    const only = {
      matches: [{ path: { type: 'PathPrefix', value: '/beta' } }],
      backendRefs: [{ name: 'search-v3' }],
    };
    const names = (rules: unknown[]) => readReleases([route({ rules })])[0]!.versions.map((v) => v.name);
    expect(names([split])).toEqual(['search-v1', 'search-v2']);
    // The planner writes a new rule before the catch-all: the split's versions keep their order.
    expect(names([canary, split])).toEqual(['search-v1', 'search-v2']);
    // A version only a rule names comes after the split's.
    expect(names([only, canary, split])).toEqual(['search-v1', 'search-v2', 'search-v3']);
  });

  it('names a backend in another namespace namespace/name', () => {
    const [r] = readReleases([route({ rules: [{ backendRefs: [{ name: 'svc', namespace: 'other' }] }] })]);
    expect(r!.versions[0]!.name).toBe('other/svc');
  });

  it('refuses the pre-release networking.x-k8s.io HTTPRoute with a reason', () => {
    const [r] = readReleases([route({ rules: [] }, 'networking.x-k8s.io/v1alpha1')]);
    expect(r!.editable).toBe(false);
    expect(r!.readOnlyReasons[0]).toMatch(/pre-release API networking\.x-k8s\.io\/v1alpha1/);
  });

  it('keeps redirect-only rules and non-Service backends as other routes', () => {
    const [r] = readReleases([
      route({
        rules: [
          { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] },
          {
            matches: [{ path: { value: '/x' } }],
            backendRefs: [{ name: 'pool', group: 'inference.networking.k8s.io', kind: 'InferencePool' }],
          },
        ],
      }),
    ]);
    expect(r!.otherRoutes.map((o) => o.reason)).toEqual([
      'has no backendRefs',
      'backendRefs[0] is not a core Service',
    ]);
  });

  it('knows PathPrefix "/" and no matches as catch-all, a longer prefix not', () => {
    expect(isCatchAllGatewayMatch([{ path: { type: 'PathPrefix', value: '/' } }])).toBe(true);
    expect(isCatchAllGatewayMatch(undefined)).toBe(true);
    expect(isCatchAllGatewayMatch([{ path: { type: 'PathPrefix', value: '/a' } }])).toBe(false);
    // Matches are ORed: one that takes every request makes the rule take every request.
    expect(
      isCatchAllGatewayMatch([
        { headers: [{ name: 'x', value: '1' }] },
        { path: { type: 'PathPrefix', value: '/' } },
      ]),
    ).toBe(true);
    expect(
      isCatchAllGatewayMatch([{ headers: [{ name: 'x', value: '1' }] }, { path: { value: '/a' } }]),
    ).toBe(false);
    expect(isCatchAllGatewayMatch([])).toBe(true);
  });

  it('converts matches between the Gateway API and the Istio shapes', () => {
    expect(
      toIstioMatches([
        {
          path: { type: 'Exact', value: '/a' },
          queryParams: [{ name: 'q', type: 'RegularExpression', value: 'x.*' }],
          method: 'GET',
        },
      ]),
    ).toEqual([{ uri: { exact: '/a' }, queryParams: { q: { regex: 'x.*' } }, method: { exact: 'GET' } }]);
    expect(toGatewayMatches([{ headers: { 'x-a': { exact: '1' }, 'x-b': { prefix: 'p.' } } }])).toEqual([
      {
        headers: [
          { name: 'x-a', type: 'Exact', value: '1' },
          { name: 'x-b', type: 'RegularExpression', value: '^p\\..*' },
        ],
      },
    ]);
    expect(() => toGatewayMatches([{ sourceLabels: { app: 'x' } }])).toThrow(/no Gateway API equivalent/);
  });
});

describe('the versions of an HTTPRoute release (the storefront catalog)', () => {
  it('come from the backend Services, with the Deployments their selectors select', () => {
    const objects = storefrontCatalog();
    const other: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'catalog-v1', namespace: 'elsewhere' },
      spec: { template: { metadata: { labels: { app: 'catalog', version: 'v1' } } } },
    };
    const r = readReleases([...objects, other]).find((x) => x.id === CATALOG_ROUTE_ID)!;
    expect(r.host).toBe('catalog.storefront.svc.cluster.local');
    // In the catch-all's order, although the rules naming catalog-v2 come first in the route.
    expect(r.versions.map((v) => [v.name, v.fqdn, v.labels, v.deployments])).toEqual([
      [
        'catalog-v1',
        'catalog-v1.storefront.svc.cluster.local',
        { app: 'catalog', version: 'v1' },
        ['catalog-v1'],
      ],
      [
        'catalog-v2',
        'catalog-v2.storefront.svc.cluster.local',
        { app: 'catalog', version: 'v2' },
        ['catalog-v2'],
      ],
    ]);
    expect(r.defaultRoute?.destinations.map((d) => [d.version, d.rawWeight, d.weight])).toEqual([
      ['catalog-v1', 90, 90],
      ['catalog-v2', 10, 10],
    ]);
    expect(r.rules.map((x) => [x.version, x.matches])).toEqual([
      ['catalog-v2', [{ headers: { 'x-canary': { exact: 'always' } } }]],
      ['catalog-v2', [{ queryParams: { beta: { exact: '1' } } }]],
    ]);
    expect(r.sources.filter((s) => s.kind === 'Deployment').map((s) => `${s.namespace}/${s.name}`)).toEqual([
      'storefront/catalog-v1',
      'storefront/catalog-v2',
    ]);
  });
});
