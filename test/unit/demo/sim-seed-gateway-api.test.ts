import { describe, expect, it } from 'vitest';
import { seedObjects } from '../../../main/demo/seed/seed-objects.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';

const GW = 'gateway.networking.k8s.io/v1';

function find(objs: KubeObject[], kind: string, ns: string | undefined, name: string, apiVersion?: string) {
  const found = objs.find(
    (o) =>
      o.kind === kind &&
      o.metadata.namespace === ns &&
      o.metadata.name === name &&
      (apiVersion === undefined || o.apiVersion === apiVersion),
  );
  if (!found) throw new Error(`no ${kind} ${ns ?? ''}/${name} in the seed`);
  return found;
}

const spec = <T>(o: KubeObject) => o.spec as T;
const imageOf = (d: KubeObject) =>
  spec<{ template: { spec: { containers: Array<{ image: string }> } } }>(d).template.spec.containers[0]
    ?.image;

describe('the Gateway API namespaces of the seed', () => {
  const objs = seedObjects({ seed: 1, services: 0 });

  it('labels storefront for sidecars and ledger for ambient with its waypoint', () => {
    expect(find(objs, 'Namespace', undefined, 'storefront').metadata.labels).toMatchObject({
      'istio-injection': 'enabled',
    });
    const ledger = find(objs, 'Namespace', undefined, 'ledger').metadata.labels ?? {};
    expect(ledger).toMatchObject({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
    expect(ledger['istio-injection']).toBeUndefined();
  });

  it('has no VirtualService or DestinationRule in the Gateway API namespaces', () => {
    const istio = objs.filter(
      (o) =>
        o.apiVersion.startsWith('networking.istio.io') &&
        ['storefront', 'ledger'].includes(o.metadata.namespace ?? ''),
    );
    expect(istio).toEqual([]);
  });

  it('seeds the storefront Gateway and the web route on it', () => {
    const gw = find(objs, 'Gateway', 'storefront', 'storefront-gateway', GW);
    expect(gw.spec).toEqual({
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: 'storefront.example.com' }],
    });
    const web = spec<Record<string, unknown>>(find(objs, 'HTTPRoute', 'storefront', 'web', GW));
    expect(web.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'storefront-gateway' },
    ]);
    expect(web.hostnames).toEqual(['storefront.example.com']);
    expect(web.rules).toEqual([{ backendRefs: [{ name: 'web-v1', port: 8080 }] }]);
    expect(find(objs, 'Deployment', 'storefront', 'web-v1').metadata.labels).toEqual({
      app: 'web',
      version: 'v1',
    });
    expect(find(objs, 'Service', 'storefront', 'web')).toBeDefined();
  });

  it('routes catalog by a GAMMA HTTPRoute: header rule, query rule, then 90/10 over per-version Services', () => {
    const route = spec<{ parentRefs: unknown; rules: Array<Record<string, unknown>> }>(
      find(objs, 'HTTPRoute', 'storefront', 'catalog', GW),
    );
    expect(route.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'catalog', port: 8080 }]);
    expect(route.rules.map((r) => r.matches)).toEqual([
      [{ headers: [{ type: 'Exact', name: 'x-canary', value: 'always' }] }],
      [{ queryParams: [{ type: 'Exact', name: 'beta', value: '1' }] }],
      undefined,
    ]);
    expect(route.rules.map((r) => r.backendRefs)).toEqual([
      [{ name: 'catalog-v2', port: 8080 }],
      [{ name: 'catalog-v2', port: 8080 }],
      [
        { name: 'catalog-v1', port: 8080, weight: 90 },
        { name: 'catalog-v2', port: 8080, weight: 10 },
      ],
    ]);
    expect(spec<{ selector: unknown }>(find(objs, 'Service', 'storefront', 'catalog')).selector).toEqual({
      app: 'catalog',
    });
    for (const [v, tag] of [
      ['v1', '1.4.0'],
      ['v2', '1.5.0'],
    ] as const) {
      expect(
        spec<{ selector: unknown }>(find(objs, 'Service', 'storefront', `catalog-${v}`)).selector,
      ).toEqual({
        app: 'catalog',
        version: v,
      });
      expect(imageOf(find(objs, 'Deployment', 'storefront', `catalog-${v}`))).toBe(
        `registry.example.com/storefront/catalog:${tag}`,
      );
    }
  });

  it('seeds search with one version of 2 replicas behind a catch-all weight 1', () => {
    const route = spec<{ parentRefs: unknown; rules: unknown }>(
      find(objs, 'HTTPRoute', 'storefront', 'search', GW),
    );
    expect(route.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'search', port: 8080 }]);
    expect(route.rules).toEqual([{ backendRefs: [{ name: 'search-v1', port: 8080, weight: 1 }] }]);
    const d = find(objs, 'Deployment', 'storefront', 'search-v1');
    expect(spec<{ replicas: number }>(d).replicas).toBe(2);
    expect(imageOf(d)).toBe('registry.example.com/storefront/search:2.0.0');
    expect(objs.some((o) => o.kind === 'Service' && o.metadata.name === 'search-v2')).toBe(false);
  });

  it('seeds the ledger waypoint and accounts routed 80/20 through it', () => {
    const wp = find(objs, 'Gateway', 'ledger', 'waypoint', GW);
    expect(wp.metadata.labels).toEqual({ 'istio.io/waypoint-for': 'service' });
    expect(wp.spec).toEqual({
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    });
    expect(find(objs, 'Deployment', 'ledger', 'waypoint').metadata.labels).toMatchObject({
      'gateway.networking.k8s.io/gateway-name': 'waypoint',
    });
    const route = spec<{ parentRefs: unknown; rules: unknown }>(
      find(objs, 'HTTPRoute', 'ledger', 'accounts', GW),
    );
    expect(route.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'accounts', port: 8080 }]);
    expect(route.rules).toEqual([
      {
        backendRefs: [
          { name: 'accounts-v1', port: 8080, weight: 80 },
          { name: 'accounts-v2', port: 8080, weight: 20 },
        ],
      },
    ]);
    for (const v of ['v1', 'v2']) {
      expect(find(objs, 'Service', 'ledger', `accounts-${v}`)).toBeDefined();
      expect(find(objs, 'Deployment', 'ledger', `accounts-${v}`)).toBeDefined();
    }
  });

  it('creates every object after its namespace and every Service before the route naming it', () => {
    const index = (kind: string, ns: string | undefined, name: string) =>
      objs.findIndex((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
    for (const route of objs.filter((o) => o.kind === 'HTTPRoute')) {
      const ns = route.metadata.namespace;
      expect(index('Namespace', undefined, ns ?? '')).toBeLessThan(objs.indexOf(route));
      for (const rule of spec<{ rules: Array<{ backendRefs: Array<{ name: string }> }> }>(route).rules)
        for (const b of rule.backendRefs)
          expect(index('Service', ns, b.name)).toBeLessThan(objs.indexOf(route));
    }
  });

  it('keeps generated services (--services) working beside the Gateway API namespaces, every cluster IP unique', () => {
    const withGenerated = seedObjects({ seed: 1, services: 150 });
    const services = withGenerated.filter((o) => o.kind === 'Service');
    expect(new Set(services.map((o) => spec<{ clusterIP: string }>(o).clusterIP)).size).toBe(services.length);
    expect(withGenerated.filter((o) => o.kind === 'HTTPRoute')).toHaveLength(4);
    expect(
      withGenerated.filter((o) => o.kind === 'Deployment' && o.metadata.namespace?.startsWith('gen-')),
    ).toHaveLength(150);
  });
});
