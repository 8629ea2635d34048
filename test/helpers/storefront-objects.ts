// The `storefront` catalog of the agreed Gateway API demo namespaces (issue #15), as plain objects:
// a GAMMA HTTPRoute `catalog` (parent: Service catalog) with a header rule and a query rule to v2
// and a 90/10 catch-all over the backend Services catalog-v1 and catalog-v2. Unit tests read it;
// integration tests create it in the demo mesh when the demo does not seed it.

import type { KubeObject } from '../../shared/mesh/model/index.ts';

export const STOREFRONT = 'storefront';
export const CATALOG_ROUTE_ID = 'gateway-api:storefront/catalog';

const service = (name: string, selector: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: STOREFRONT, labels: { app: 'catalog' } },
  spec: { selector, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
});

const deployment = (version: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `catalog-${version}`, namespace: STOREFRONT, labels: { app: 'catalog', version } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'catalog', version } },
    template: {
      metadata: { labels: { app: 'catalog', version } },
      spec: { containers: [{ name: 'catalog', image, ports: [{ containerPort: 8080 }] }] },
    },
  },
});

export function catalogRoute(): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'catalog', namespace: STOREFRONT },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: 'catalog', port: 8080 }],
      rules: [
        {
          matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: 'always' }] }],
          backendRefs: [{ name: 'catalog-v2', port: 8080 }],
        },
        {
          matches: [{ queryParams: [{ type: 'Exact', name: 'beta', value: '1' }] }],
          backendRefs: [{ name: 'catalog-v2', port: 8080 }],
        },
        {
          backendRefs: [
            { name: 'catalog-v1', port: 8080, weight: 90 },
            { name: 'catalog-v2', port: 8080, weight: 10 },
          ],
        },
      ],
    },
  };
}

/** The namespace, its Services and Deployments, and the route: in the order they can be created. */
export function storefrontCatalog(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: STOREFRONT, labels: { 'istio-injection': 'enabled' } },
    },
    service('catalog', { app: 'catalog' }),
    service('catalog-v1', { app: 'catalog', version: 'v1' }),
    service('catalog-v2', { app: 'catalog', version: 'v2' }),
    deployment('v1', 'registry.example.com/storefront/catalog:1.4.0'),
    deployment('v2', 'registry.example.com/storefront/catalog:1.5.0'),
    catalogRoute(),
  ];
}
