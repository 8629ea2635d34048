/**
 * The seeded applications of the demo mesh, in one table that both the seed objects and the
 * traffic simulation read, so a version's image, replicas and behaviour are described once.
 *
 * The subtly worse canary is reviews v3: 2% of its responses are 5xx (v1 and v2 answer 0.2%) and
 * its p95 is about 40 ms above v2's. payment v2 is a healthy canary (same profile as v1).
 */

import { GATEWAY_API_SERVICES } from './gateway-api-apps.ts';

/** How one version of a service behaves: latency is log-normal, given by its median and p95. */
export interface VersionProfile {
  /** Share of requests answered with a 5xx (0..1). */
  errorRate: number;
  medianMs: number;
  p95Ms: number;
}

export interface DemoVersion {
  version: string;
  image: string;
  replicas: number;
  profile: VersionProfile;
}

/** A call a service makes while serving a request; `probability` is per incoming request. */
export interface DownstreamCall {
  service: string;
  /** The callee's namespace when it is not the caller's (storefront's web calls ledger's accounts). */
  namespace?: string;
  /** The paths the call is sent with, one picked per call (default '/'). */
  paths?: string[];
  probability: number;
  /** Only these versions of the caller make the call (bookinfo reviews v1 never calls ratings). */
  fromVersions?: string[];
  /** A 5xx from the callee turns the caller's answer into a 5xx too (otherwise the caller degrades gracefully). */
  propagatesErrors?: boolean;
}

export interface DemoService {
  name: string;
  namespace: string;
  port: number;
  versions: DemoVersion[];
  calls: DownstreamCall[];
}

export interface DemoEntry {
  /** The service that receives outside traffic through the ingress gateway. */
  service: string;
  namespace: string;
  /** The Gateway the entry route binds to (an Istio Gateway in istio-system unless `gatewayNamespace`). */
  gateway: string;
  /** Where the Gateway is, for a Gateway API Gateway (default istio-system). */
  gatewayNamespace?: string;
  authority: string;
  paths: string[];
}

export const BOOKINFO_NAMESPACE = 'bookinfo';
export const SHOP_NAMESPACE = 'shop';
export const ISTIO_NAMESPACE = 'istio-system';

const BOOKINFO_TAG = '1.20.1';

function bookinfoVersion(
  app: string,
  version: string,
  replicas: number,
  profile: VersionProfile,
): DemoVersion {
  return {
    version,
    image: `docker.io/istio/examples-bookinfo-${app}-${version}:${BOOKINFO_TAG}`,
    replicas,
    profile,
  };
}

function shopVersion(
  app: string,
  version: string,
  tag: string,
  replicas: number,
  profile: VersionProfile,
): DemoVersion {
  return { version, image: `ghcr.io/switchyard-demo/shop-${app}:${tag}`, replicas, profile };
}

export const DEMO_SERVICES: readonly DemoService[] = [
  {
    name: 'productpage',
    namespace: BOOKINFO_NAMESPACE,
    port: 9080,
    versions: [bookinfoVersion('productpage', 'v1', 2, { errorRate: 0.001, medianMs: 8, p95Ms: 20 })],
    calls: [
      { service: 'details', probability: 1 },
      { service: 'reviews', probability: 1 },
    ],
  },
  {
    name: 'details',
    namespace: BOOKINFO_NAMESPACE,
    port: 9080,
    versions: [bookinfoVersion('details', 'v1', 1, { errorRate: 0.001, medianMs: 3, p95Ms: 9 })],
    calls: [],
  },
  {
    name: 'reviews',
    namespace: BOOKINFO_NAMESPACE,
    port: 9080,
    versions: [
      bookinfoVersion('reviews', 'v1', 2, { errorRate: 0.002, medianMs: 12, p95Ms: 40 }),
      bookinfoVersion('reviews', 'v2', 1, { errorRate: 0.002, medianMs: 16, p95Ms: 50 }),
      bookinfoVersion('reviews', 'v3', 1, { errorRate: 0.02, medianMs: 19, p95Ms: 90 }),
    ],
    calls: [{ service: 'ratings', probability: 1, fromVersions: ['v2', 'v3'] }],
  },
  {
    name: 'ratings',
    namespace: BOOKINFO_NAMESPACE,
    port: 9080,
    versions: [bookinfoVersion('ratings', 'v1', 1, { errorRate: 0.001, medianMs: 4, p95Ms: 12 })],
    calls: [],
  },
  {
    name: 'frontend',
    namespace: SHOP_NAMESPACE,
    port: 8080,
    versions: [shopVersion('frontend', 'v1', '2.4.0', 2, { errorRate: 0.001, medianMs: 10, p95Ms: 30 })],
    calls: [{ service: 'cart', probability: 1 }],
  },
  {
    name: 'cart',
    namespace: SHOP_NAMESPACE,
    port: 8080,
    versions: [shopVersion('cart', 'v1', '1.9.2', 2, { errorRate: 0.002, medianMs: 6, p95Ms: 18 })],
    calls: [{ service: 'checkout', probability: 0.5 }],
  },
  {
    name: 'checkout',
    namespace: SHOP_NAMESPACE,
    port: 8080,
    versions: [shopVersion('checkout', 'v1', '3.1.0', 1, { errorRate: 0.002, medianMs: 14, p95Ms: 45 })],
    calls: [{ service: 'payment', probability: 1, propagatesErrors: true }],
  },
  {
    name: 'payment',
    namespace: SHOP_NAMESPACE,
    port: 8080,
    versions: [
      shopVersion('payment', 'v1', '5.0.3', 2, { errorRate: 0.001, medianMs: 25, p95Ms: 80 }),
      shopVersion('payment', 'v2', '5.1.0', 1, { errorRate: 0.001, medianMs: 24, p95Ms: 78 }),
    ],
    calls: [],
  },
];

export const DEMO_ENTRIES: readonly DemoEntry[] = [
  {
    service: 'productpage',
    namespace: BOOKINFO_NAMESPACE,
    gateway: 'bookinfo-gateway',
    authority: 'bookinfo.example.com',
    paths: ['/productpage', '/productpage?u=normal', '/api/v1/products', '/static/css/style.css'],
  },
  {
    service: 'frontend',
    namespace: SHOP_NAMESPACE,
    gateway: 'shop-gateway',
    authority: 'shop.example.com',
    paths: ['/', '/products', '/cart', '/checkout'],
  },
];

/** Used for versions an operator adds (a new reviews-v4 Deployment): healthy, ordinary latency. */
export const DEFAULT_PROFILE: VersionProfile = { errorRate: 0.002, medianMs: 15, p95Ms: 45 };

/** Every seeded app the simulation knows: the Istio apps and the Gateway API ones. */
const ALL_SERVICES: readonly DemoService[] = [...DEMO_SERVICES, ...GATEWAY_API_SERVICES];

export function demoService(namespace: string, name: string): DemoService | undefined {
  return ALL_SERVICES.find((s) => s.namespace === namespace && s.name === name);
}

/** An image without its tag or digest: `docker.io/istio/examples-bookinfo-reviews-v3`. */
const repositoryOf = (image: string) => image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');

/**
 * How a version behaves: its own profile, else that of the demo version whose image it runs (a new
 * version cloned with reviews-v3's image is as slow and as flaky as v3), else a healthy default.
 */
export function profileOf(namespace: string, app: string, version: string, image?: string): VersionProfile {
  const versions = demoService(namespace, app)?.versions ?? [];
  const own = versions.find((v) => v.version === version);
  if (own) return own.profile;
  const repository = image === undefined ? undefined : repositoryOf(image);
  return versions.find((v) => repositoryOf(v.image) === repository)?.profile ?? DEFAULT_PROFILE;
}
