import { describe, expect, it } from 'vitest';
import { coreResources } from '../../../main/core/cluster/cluster-resources.ts';
import { slimObject, slimPod, slimReplicaSet } from '../../../main/core/cluster/slim-objects.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';

const resource = (key: string) => {
  const r = coreResources.find((c) => c.key === key);
  if (!r) throw new Error(key);
  return r;
};

const managedFields = [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }];
const owner = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: 'reviews-v1-5d9f',
  uid: 'rs-1',
  controller: true,
  blockOwnerDeletion: true,
};

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'reviews-v1-5d9f-abcde',
    generateName: 'reviews-v1-5d9f-',
    namespace: 'shop',
    uid: 'pod-1',
    resourceVersion: '42',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d9f' },
    annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' },
    ownerReferences: [owner],
    managedFields,
  },
  spec: {
    nodeName: 'node-1',
    containers: [{ name: 'reviews', image: 'reviews:1', env: [{ name: 'A', value: 'b' }] }],
    volumes: [{ name: 'token' }],
  },
  status: {
    phase: 'Running',
    podIP: '10.0.0.1',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:01Z' },
    ],
    containerStatuses: [
      { name: 'reviews', ready: true, restartCount: 2, image: 'reviews:1', state: { running: {} } },
    ],
  },
};

const replicaSet: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'reviews-v1-5d9f',
    namespace: 'shop',
    uid: 'rs-1',
    resourceVersion: '40',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d9f' },
    annotations: { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/max-replicas': '4' },
    ownerReferences: [{ ...owner, kind: 'Deployment', name: 'reviews-v1', uid: 'dep-1' }],
    managedFields,
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'reviews', 'pod-template-hash': '5d9f' } },
    template: {
      metadata: { labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d9f' } },
      spec: { containers: [{ name: 'reviews', image: 'reviews:1' }] },
    },
  },
  status: {
    replicas: 3,
    fullyLabeledReplicas: 3,
    readyReplicas: 2,
    availableReplicas: 2,
    observedGeneration: 3,
  },
};

describe('slimPod', () => {
  it('keeps identity, labels, owners and what readiness and restarts are read from', () => {
    expect(slimPod(pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'reviews-v1-5d9f-abcde',
        namespace: 'shop',
        uid: 'pod-1',
        resourceVersion: '42',
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d9f' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'reviews-v1-5d9f',
            uid: 'rs-1',
            controller: true,
          },
        ],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'reviews', ready: true, restartCount: 2 }],
      },
    });
  });

  it('keeps a pod that has no status yet, and a terminating pod’s deletionTimestamp', () => {
    const { status: _none, ...pending } = pod;
    const terminating = {
      ...pending,
      metadata: { ...pod.metadata, deletionTimestamp: '2026-01-02T00:00:00Z' },
    };
    const slim = slimPod(terminating);
    expect(slim.status).toBeUndefined();
    expect(slim.spec).toBeUndefined();
    expect(slim.metadata.deletionTimestamp).toBe('2026-01-02T00:00:00Z');
  });

  it('does not change the object it was given', () => {
    const before = structuredClone(pod);
    slimPod(pod);
    expect(pod).toEqual(before);
  });
});

describe('slimReplicaSet', () => {
  it('keeps identity, owners, revision, replica counts and the pod template’s labels', () => {
    expect(slimReplicaSet(replicaSet)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'reviews-v1-5d9f',
        namespace: 'shop',
        uid: 'rs-1',
        resourceVersion: '40',
        generation: 3,
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d9f' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews-v1', uid: 'dep-1', controller: true },
        ],
      },
      spec: {
        replicas: 3,
        template: { metadata: { labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d9f' } } },
      },
      status: {
        replicas: 3,
        fullyLabeledReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
        observedGeneration: 3,
      },
    });
  });

  it('leaves out a spec, status or revision the object does not have', () => {
    const bare: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'x', uid: 'u' } };
    expect(slimReplicaSet(bare)).toEqual(bare);
  });
});

describe('slimObject', () => {
  it('drops managedFields of every kind and keeps the other kinds whole', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v1', uid: 'dep-1', annotations: { a: 'b' }, managedFields },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i', env: [] }] } } },
      status: { conditions: [{ type: 'Progressing', status: 'True', message: 'm' }] },
    };
    const { managedFields: _dropped, ...metadata } = deployment.metadata;
    expect(slimObject(deployment, resource('deployments'))).toEqual({ ...deployment, metadata });
    expect(slimObject(pod, resource('pods')).metadata.managedFields).toBeUndefined();
    expect(slimObject(replicaSet, resource('replicasets'))).toEqual(slimReplicaSet(replicaSet));
  });

  it('gives list items, which may come without them, their kind and apiVersion', () => {
    const item = { metadata: { name: 'reviews', uid: 's-1' }, spec: { selector: { app: 'reviews' } } };
    expect(slimObject(item as unknown as KubeObject, resource('services'))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      ...item,
    });
    const rs = slimObject({ metadata: { name: 'r' } } as unknown as KubeObject, resource('replicasets'));
    expect([rs.apiVersion, rs.kind]).toEqual(['apps/v1', 'ReplicaSet']);
  });

  it('is idempotent: a slim object slims to the same thing', () => {
    for (const [o, key] of [
      [pod, 'pods'],
      [replicaSet, 'replicasets'],
    ] as const) {
      const once = slimObject(o, resource(key));
      expect(slimObject(once, resource(key))).toEqual(once);
    }
  });
});
