/**
 * The Gateway API namespaces of the demo mesh (the names other parts of Switchyard build on):
 * - `storefront` (sidecars): Gateway storefront-gateway for storefront.example.com; web reached
 *   through HTTPRoute `web` on it; catalog and search routed by GAMMA HTTPRoutes (parentRefs: the
 *   Service), one backend Service per version, no VirtualService or DestinationRule;
 * - `ledger` (ambient, no sidecars): a waypoint Gateway and its Deployment; accounts routed by a
 *   GAMMA HTTPRoute, its L7 metrics reported by the waypoint.
 */
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { DemoService } from './demo-apps.ts';
import {
  GATEWAY_API_SERVICES,
  GATEWAY_API_SPLITS,
  LEDGER_NAMESPACE,
  STOREFRONT_GATEWAY,
  STOREFRONT_HOST,
  STOREFRONT_NAMESPACE,
  WAYPOINT_NAME,
} from './gateway-api-apps.ts';
import { deploymentObject, namespaceObject, serviceObject } from './kube-object-builders.ts';

export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';
const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.27.1';
/** The label Istio puts on a waypoint's (and a Gateway's) Deployment and pods. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** A Service for one version: `catalog-v2` selects app=catalog,version=v2. */
function versionService(s: DemoService, version: string, clusterIP: string): KubeObject {
  const svc = serviceObject(s.namespace, `${s.name}-${version}`, s.port, clusterIP);
  svc.metadata.labels = { app: s.name, version, service: `${s.name}-${version}` };
  (svc.spec as { selector: Record<string, string> }).selector = { app: s.name, version };
  return svc;
}

function httpRoute(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: GATEWAY_API_VERSION, kind: 'HTTPRoute', metadata: { name, namespace }, spec };
}

const serviceParent = (s: DemoService) => ({ group: '', kind: 'Service', name: s.name, port: s.port });
const backend = (s: DemoService, version: string, weight?: number) => ({
  name: `${s.name}-${version}`,
  port: s.port,
  ...(weight !== undefined ? { weight } : {}),
});

/** The route of a service: the catch-all split, and for catalog its header and query rules first. */
function routeOf(s: DemoService): KubeObject {
  if (s.name === 'web')
    return httpRoute(s.namespace, 'web', {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: STOREFRONT_GATEWAY }],
      hostnames: [STOREFRONT_HOST],
      rules: [{ backendRefs: [backend(s, 'v1')] }],
    });
  const split = GATEWAY_API_SPLITS[s.name] ?? {};
  const catchAll = { backendRefs: Object.entries(split).map(([v, w]) => backend(s, v, w)) };
  const rules =
    s.name === 'catalog'
      ? [
          {
            matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: 'always' }] }],
            backendRefs: [backend(s, 'v2')],
          },
          {
            matches: [{ queryParams: [{ type: 'Exact', name: 'beta', value: '1' }] }],
            backendRefs: [backend(s, 'v2')],
          },
          catchAll,
        ]
      : [catchAll];
  return httpRoute(s.namespace, s.name, { parentRefs: [serviceParent(s)], rules });
}

function storefrontGateway(): KubeObject {
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'Gateway',
    metadata: { name: STOREFRONT_GATEWAY, namespace: STOREFRONT_NAMESPACE },
    spec: {
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: STOREFRONT_HOST }],
    },
  };
}

/** The waypoint: its Gateway, and the Deployment and Service Istio would deploy for it. */
function waypointObjects(clusterIP: string): KubeObject[] {
  const ns = LEDGER_NAMESPACE;
  const gateway: KubeObject = {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'Gateway',
    metadata: { name: WAYPOINT_NAME, namespace: ns, labels: { 'istio.io/waypoint-for': 'service' } },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  };
  const labels = {
    [GATEWAY_NAME_LABEL]: WAYPOINT_NAME,
    'gateway.istio.io/managed': 'istio.io-mesh-controller',
  };
  const deployment = deploymentObject(
    ns,
    WAYPOINT_NAME,
    { version: 'v1', image: PROXY_IMAGE, replicas: 1 },
    15008,
  );
  deployment.metadata.name = WAYPOINT_NAME;
  deployment.metadata.labels = { ...labels };
  const spec = deployment.spec as {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string } };
  };
  spec.selector.matchLabels = { [GATEWAY_NAME_LABEL]: WAYPOINT_NAME };
  spec.template.metadata.labels = { ...labels };
  spec.template.spec.serviceAccountName = WAYPOINT_NAME;
  const service = serviceObject(ns, WAYPOINT_NAME, 15008, clusterIP);
  service.metadata.labels = { ...labels };
  (service.spec as Record<string, unknown>).selector = { [GATEWAY_NAME_LABEL]: WAYPOINT_NAME };
  (service.spec as Record<string, unknown>).ports = [
    { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
    { name: 'mesh', port: 15008, targetPort: 15008, protocol: 'TCP' },
  ];
  return [gateway, deployment, service];
}

/** Every object of the Gateway API namespaces: namespaces first, Services before the routes naming them. */
export function gatewayApiObjects(nextIp: () => string): KubeObject[] {
  const storefront = namespaceObject(STOREFRONT_NAMESPACE, true);
  const ledger = namespaceObject(LEDGER_NAMESPACE, false);
  Object.assign(ledger.metadata.labels ?? {}, {
    'istio.io/dataplane-mode': 'ambient',
    'istio.io/use-waypoint': WAYPOINT_NAME,
  });
  const objects: KubeObject[] = [storefront, ledger, storefrontGateway(), ...waypointObjects(nextIp())];
  for (const s of GATEWAY_API_SERVICES) {
    objects.push(serviceObject(s.namespace, s.name, s.port, nextIp()));
    for (const v of s.versions) {
      objects.push(versionService(s, v.version, nextIp()));
      objects.push(deploymentObject(s.namespace, s.name, v, s.port));
    }
  }
  for (const s of GATEWAY_API_SERVICES) objects.push(routeOf(s));
  return objects;
}
