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

/**
 * Scale-test filler: one Service, one Deployment (v1, one replica), a DestinationRule and a plain
 * VirtualService per generated service. No traffic is simulated for these.
 */
export function generatedServiceObjects(count: number, nextIp: () => string): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < count; i++) {
    const namespace = generatedNamespace(i);
    if (i % GENERATED_PER_NAMESPACE === 0) out.push(namespaceObject(namespace, true));
    const name = generatedServiceName(i);
    out.push(
      serviceObject(namespace, name, GENERATED_PORT, nextIp()),
      deploymentObject(
        namespace,
        name,
        { version: 'v1', image: GENERATED_IMAGE, replicas: 1 },
        GENERATED_PORT,
      ),
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
    );
  }
  return out;
}
