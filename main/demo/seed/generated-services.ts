import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import {
  deploymentObject,
  destinationRuleObject,
  ISTIO_API_VERSION,
  namespaceObject,
  serviceObject,
} from './kube-object-builders.ts';

export const GENERATED_PER_NAMESPACE = 100;
const GENERATED_IMAGE = 'docker.io/library/nginx:1.27.2';
const GENERATED_PORT = 8080;

/** `gen-<k>` for the k-th block of 100 generated services. */
export function generatedNamespace(index: number): string {
  return `gen-${Math.floor(index / GENERATED_PER_NAMESPACE)}`;
}

export function generatedServiceName(index: number): string {
  return `svc-${String(index).padStart(4, '0')}`;
}

/** The objects of the generated service `index` (the simulation adds its ReplicaSet and pod). */
export function generatedServiceGroup(index: number, clusterIP: string): KubeObject[] {
  const namespace = generatedNamespace(index);
  const name = generatedServiceName(index);
  return [
    serviceObject(namespace, name, GENERATED_PORT, clusterIP),
    deploymentObject(namespace, name, { version: 'v1', image: GENERATED_IMAGE, replicas: 1 }, GENERATED_PORT),
    destinationRuleObject(namespace, name, ['v1']),
    {
      apiVersion: ISTIO_API_VERSION,
      kind: 'VirtualService',
      metadata: { name, namespace },
      spec: {
        hosts: [name],
        http: [{ route: [{ destination: { host: name, subset: 'v1' }, weight: 100 }] }],
      },
    },
  ];
}

/** The namespaces of `count` generated services (`gen-0` …). */
export function generatedNamespaceObjects(count: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < count; i += GENERATED_PER_NAMESPACE)
    out.push(namespaceObject(generatedNamespace(i), true));
  return out;
}

/** The index in `svc-0042`, `svc-0042-v1`, `svc-0042-v1-<hash>-<suffix>`, or -1. */
export function generatedIndexOfName(name: string): number {
  const m = /^svc-(\d{4,})(?:-|$)/.exec(name);
  if (!m) return -1;
  const index = Number(m[1]);
  return generatedServiceName(index) === `svc-${m[1]}` ? index : -1;
}

/**
 * Scale-test filler: one Service, one Deployment (v1, one replica), a DestinationRule and a plain
 * VirtualService per generated service. No traffic is simulated for these.
 */
export function generatedServiceObjects(count: number, nextIp: () => string): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < count; i++) {
    if (i % GENERATED_PER_NAMESPACE === 0) out.push(namespaceObject(generatedNamespace(i), true));
    for (const o of generatedServiceGroup(i, nextIp())) out.push(o);
  }
  return out;
}
