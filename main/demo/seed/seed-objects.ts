import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import {
  BOOKINFO_NAMESPACE,
  DEMO_ENTRIES,
  DEMO_SERVICES,
  type DemoService,
  ISTIO_NAMESPACE,
  SHOP_NAMESPACE,
} from './demo-apps.ts';
import { generatedServiceObjects } from './generated-services.ts';
import {
  deploymentObject,
  destinationRuleObject,
  ISTIO_API_VERSION,
  namespaceObject,
  serviceObject,
} from './kube-object-builders.ts';
import { gatewayApiObjects } from './seed-gateway-api.ts';
import { seededVirtualServices } from './seed-virtual-services.ts';
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';

export type { KubeObject };

export interface SeedOptions {
  seed: number;
  /** Extra generated services (for scale tests), spread over `gen-0..gen-K` namespaces, 100 each. */
  services: number;
}

export const MESH_TELEMETRY_PORT = 15090;
export const PROMETHEUS_PORT = 9090;
/** istiod's monitoring port, where its debug endpoints are served. */
export const ISTIOD_MONITORING_PORT = 15014;

function clusterIpFactory(random: SeededRandom): () => string {
  const used = new Set<string>();
  return () => {
    for (;;) {
      const ip = `10.96.${random.int(256)}.${1 + random.int(254)}`;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
  };
}

function istioSystemObjects(nextIp: () => string): KubeObject[] {
  const ns = ISTIO_NAMESPACE;
  const gatewayDeployment = deploymentObject(
    ns,
    'istio-ingressgateway',
    { version: 'v1', image: 'docker.io/istio/proxyv2:1.27.1', replicas: 1 },
    8080,
  );
  const gatewayLabels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  Object.assign(gatewayDeployment.metadata.labels ?? {}, gatewayLabels);
  const spec = gatewayDeployment.spec as { template: { metadata: { labels: Record<string, string> } } };
  Object.assign(spec.template.metadata.labels, gatewayLabels);
  const istiodDeployment = deploymentObject(
    ns,
    'istiod',
    { version: 'v1', image: 'docker.io/istio/pilot:1.27.1', replicas: 1 },
    ISTIOD_MONITORING_PORT,
  );
  const istiodLabels = { app: 'istiod', istio: 'pilot' };
  Object.assign(istiodDeployment.metadata.labels ?? {}, istiodLabels);
  const istiodSpec = istiodDeployment.spec as { template: { metadata: { labels: Record<string, string> } } };
  Object.assign(istiodSpec.template.metadata.labels, istiodLabels);
  const plainService = (
    name: string,
    port: number,
    portName: string,
    selector: Record<string, string>,
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      type: 'ClusterIP',
      clusterIP: nextIp(),
      selector,
      ports: [{ name: portName, port, targetPort: port, protocol: 'TCP' }],
    },
  });
  const gateway = (name: string, host: string): KubeObject => ({
    apiVersion: ISTIO_API_VERSION,
    kind: 'Gateway',
    metadata: { name, namespace: ns },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] }],
    },
  });
  return [
    gatewayDeployment,
    plainService('istio-ingressgateway', 80, 'http2', gatewayLabels),
    // istiod's monitoring port: /metrics and the debug endpoints (/debug/syncz: proxy status).
    istiodDeployment,
    plainService('istiod', ISTIOD_MONITORING_PORT, 'http-monitoring', istiodLabels),
    plainService('prometheus', PROMETHEUS_PORT, 'http', { app: 'prometheus' }),
    plainService('mesh-telemetry', MESH_TELEMETRY_PORT, 'http-envoy-prom', { app: 'mesh-telemetry' }),
    ...DEMO_ENTRIES.map((e) => gateway(e.gateway, e.authority)),
  ];
}

function demoServiceObjects(s: DemoService, nextIp: () => string): KubeObject[] {
  return [
    serviceObject(s.namespace, s.name, s.port, nextIp()),
    ...s.versions.map((v) => deploymentObject(s.namespace, s.name, v, s.port)),
    destinationRuleObject(
      s.namespace,
      s.name,
      s.versions.map((v) => v.version),
    ),
  ];
}

/**
 * Every object the demo mesh starts with, namespaces first, each object before the ones that refer
 * to it (Service and Deployment before DestinationRule, DestinationRule before VirtualService).
 * Deterministic for a seed; the seed only picks cluster IPs, the rest is the fixed demo scenario.
 */
export function seedObjects(opts: SeedOptions): KubeObject[] {
  const { objects, generatedIps } = seedParts(opts);
  let i = 0;
  // One by one: spread into push(), 50,000 services' objects overflow the call stack.
  for (const o of generatedServiceObjects(opts.services, () => generatedIps[i++] as string)) objects.push(o);
  return objects;
}

/**
 * The seed without the generated services' objects: those are described by their cluster IPs
 * (drawn as seedObjects draws them), so the demo can keep them as templates.
 */
export function seedParts(opts: SeedOptions): { objects: KubeObject[]; generatedIps: string[] } {
  if (!Number.isInteger(opts.services) || opts.services < 0) {
    throw new Error(`seedObjects: services must be a non-negative integer, got ${opts.services}`);
  }
  const random = createSeededRandom(opts.seed).fork('seed-objects');
  const nextIp = clusterIpFactory(random);
  const objects: KubeObject[] = [
    namespaceObject(ISTIO_NAMESPACE, false),
    namespaceObject(BOOKINFO_NAMESPACE, true),
    namespaceObject(SHOP_NAMESPACE, true),
  ];
  objects.push(...istioSystemObjects(nextIp));
  for (const s of DEMO_SERVICES) objects.push(...demoServiceObjects(s, nextIp));
  objects.push(...seededVirtualServices());
  const generatedIps: string[] = [];
  for (let i = 0; i < opts.services; i++) generatedIps.push(nextIp());
  // Their cluster IPs are drawn last, so the Istio apps' and generated services' IPs stay as they were.
  objects.push(...gatewayApiObjects(nextIp));
  return { objects, generatedIps };
}
