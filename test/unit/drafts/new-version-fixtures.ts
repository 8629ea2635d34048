// The reviews workloads beside the routing fixture (a Service and a Deployment per version, as the
// cluster has them, with server fields), and a draft of them as one begun from the cluster is.

import { importYamlText, inNamespace } from '../../../main/core/drafts/draft-import.ts';
import { startDraft } from '../../../main/core/drafts/draft-objects.ts';
import type { Draft } from '../../../main/core/drafts/draft-schema.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { fixtureText, ROUTING_FILE } from './draft-fixtures.ts';

export const NEW_IMAGE = 'registry.example/reviews:3.0.0';

export function reviewsService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '7' },
    spec: { selector: { app: 'reviews' }, ports: [{ port: 9080, name: 'http' }] },
  };
}

export function reviewsDeployment(version: string, tag: string, replicas: number): KubeObject {
  const labels = { app: 'reviews', version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `reviews-${version}`,
      namespace: 'shop',
      uid: `uid-${version}`,
      resourceVersion: `3${version.slice(1)}`,
      labels: { ...labels },
      annotations: { 'deployment.kubernetes.io/revision': '4' },
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...labels } },
      template: {
        metadata: { labels: { ...labels, 'pod-template-hash': 'abc' } },
        spec: {
          containers: [
            { name: 'reviews', image: `registry.example/reviews:${tag}`, ports: [{ containerPort: 9080 }] },
          ],
        },
      },
    },
    status: { readyReplicas: replicas },
  };
}

/** The routing fixture's objects in shop, with the workloads a cluster draft's base holds. */
export function clusterObjects(): KubeObject[] {
  const routing = inNamespace(importYamlText(fixtureText(ROUTING_FILE), ROUTING_FILE).objects, 'shop');
  return [
    ...routing,
    reviewsService(),
    reviewsDeployment('v1', '1.0.0', 3),
    reviewsDeployment('v2', '2.0.0', 1),
  ];
}

export function clusterDraft(id = 'reviews-new'): Draft {
  return startDraft({
    id,
    name: 'Reviews v3',
    context: 'prod-eu',
    namespace: 'shop',
    host: 'reviews',
    source: 'cache',
    objects: clusterObjects(),
    now: new Date('2026-01-01T00:00:00Z'),
  });
}
