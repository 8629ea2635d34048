/**
 * The Gateway API part of the demo mesh, as the traffic simulation sees it: the services of the
 * `storefront` namespace (sidecars, routed by HTTPRoutes) and the `ledger` namespace (ambient, with
 * a waypoint). Their objects are in seed-gateway-api.ts; the Istio apps are in demo-apps.ts.
 */
import type { DemoEntry, DemoService, DemoVersion, VersionProfile } from './demo-apps.ts';

export const STOREFRONT_NAMESPACE = 'storefront';
export const LEDGER_NAMESPACE = 'ledger';
/** The Gateway API Gateway storefront's outside traffic enters through. */
export const STOREFRONT_GATEWAY = 'storefront-gateway';
export const STOREFRONT_HOST = 'storefront.example.com';
/** The ledger namespace's waypoint (a Gateway of class istio-waypoint). */
export const WAYPOINT_NAME = 'waypoint';

function version(
  repository: string,
  v: string,
  tag: string,
  replicas: number,
  profile: VersionProfile,
): DemoVersion {
  return { version: v, image: `registry.example.com/${repository}:${tag}`, replicas, profile };
}

/** Storefront's and ledger's services. `web` is the entry; it calls catalog, search and ledger's accounts. */
export const GATEWAY_API_SERVICES: readonly DemoService[] = [
  {
    name: 'web',
    namespace: STOREFRONT_NAMESPACE,
    port: 8080,
    versions: [version('storefront/web', 'v1', '3.2.0', 2, { errorRate: 0.001, medianMs: 9, p95Ms: 28 })],
    calls: [
      { service: 'catalog', probability: 1, paths: ['/items', '/items', '/items', '/items?beta=1'] },
      { service: 'search', probability: 0.5 },
      { service: 'accounts', namespace: LEDGER_NAMESPACE, probability: 0.3 },
    ],
  },
  {
    name: 'catalog',
    namespace: STOREFRONT_NAMESPACE,
    port: 8080,
    versions: [
      version('storefront/catalog', 'v1', '1.4.0', 2, { errorRate: 0.001, medianMs: 7, p95Ms: 22 }),
      version('storefront/catalog', 'v2', '1.5.0', 1, { errorRate: 0.001, medianMs: 7, p95Ms: 21 }),
    ],
    calls: [],
  },
  {
    name: 'search',
    namespace: STOREFRONT_NAMESPACE,
    port: 8080,
    versions: [version('storefront/search', 'v1', '2.0.0', 2, { errorRate: 0.001, medianMs: 11, p95Ms: 35 })],
    calls: [],
  },
  {
    name: 'accounts',
    namespace: LEDGER_NAMESPACE,
    port: 8080,
    versions: [
      version('ledger/accounts', 'v1', '4.2.0', 2, { errorRate: 0.001, medianMs: 12, p95Ms: 36 }),
      version('ledger/accounts', 'v2', '4.3.0', 1, { errorRate: 0.001, medianMs: 12, p95Ms: 35 }),
    ],
    calls: [],
  },
];

/** Per service: the weights of its HTTPRoute's catch-all rule (per version, relative as Gateway API's are). */
export const GATEWAY_API_SPLITS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  catalog: { v1: 90, v2: 10 },
  search: { v1: 1 },
  accounts: { v1: 80, v2: 20 },
};

export const GATEWAY_API_ENTRIES: readonly DemoEntry[] = [
  {
    service: 'web',
    namespace: STOREFRONT_NAMESPACE,
    gateway: STOREFRONT_GATEWAY,
    gatewayNamespace: STOREFRONT_NAMESPACE,
    authority: STOREFRONT_HOST,
    paths: ['/', '/products', '/search?q=lamp', '/account'],
  },
];
