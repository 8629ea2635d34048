import type { ObjectStore, ResourceType } from '../store/object-store.ts';

/** The store types the simulation reads and writes, resolved once at start. */
export interface SimResourceTypes {
  deployment: ResourceType;
  replicaSet: ResourceType;
  pod: ResourceType;
  service: ResourceType;
  virtualService: ResourceType;
  destinationRule: ResourceType;
  /** Gateway API kinds, when the store serves them (a store without them routes by VirtualServices only). */
  httpRoute?: ResourceType;
  gateway?: ResourceType;
  referenceGrant?: ResourceType;
  namespace?: ResourceType;
}

const ISTIO_VERSIONS = [
  'networking.istio.io/v1',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1alpha3',
];

function required(store: ObjectStore, apiVersions: string[], kind: string): ResourceType {
  for (const apiVersion of apiVersions) {
    const type = store.typeFor(apiVersion, kind);
    if (type) return type;
  }
  throw new Error(
    `demo simulation: the object store does not serve ${kind} (tried ${apiVersions.join(', ')})`,
  );
}

const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

function optional<K extends string>(
  store: ObjectStore,
  key: K,
  apiVersion: string,
  kind: string,
): Partial<Record<K, ResourceType>> {
  const type = store.typeFor(apiVersion, kind);
  return type ? ({ [key]: type } as Record<K, ResourceType>) : {};
}

export function resolveSimResourceTypes(store: ObjectStore): SimResourceTypes {
  return {
    deployment: required(store, ['apps/v1'], 'Deployment'),
    replicaSet: required(store, ['apps/v1'], 'ReplicaSet'),
    pod: required(store, ['v1'], 'Pod'),
    service: required(store, ['v1'], 'Service'),
    virtualService: required(store, ISTIO_VERSIONS, 'VirtualService'),
    destinationRule: required(store, ISTIO_VERSIONS, 'DestinationRule'),
    ...optional(store, 'httpRoute', GATEWAY_API_VERSION, 'HTTPRoute'),
    ...optional(store, 'gateway', GATEWAY_API_VERSION, 'Gateway'),
    ...optional(store, 'referenceGrant', 'gateway.networking.k8s.io/v1beta1', 'ReferenceGrant'),
    ...optional(store, 'namespace', 'v1', 'Namespace'),
  };
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
