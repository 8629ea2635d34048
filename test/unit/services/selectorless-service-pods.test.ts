import { describe, expect, it } from 'vitest';
import { objectsLookup } from '../../../main/core/drafts/draft-views.ts';
import { refuseWithoutReadyPods } from '../../../main/core/services/release-changes.ts';
import { versionView } from '../../../main/core/views/release-views.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// A Service without a selector has endpoints Kubernetes does not pick from pods (EndpointSlices
// written by hand or by another controller): the mesh routes to them, so its pods are not known to
// be missing. The version says "unknown here", not 0/0, and all traffic to it is not refused.
const NS = 'shop';
const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'legacy', namespace: NS },
    spec: {
      hosts: ['legacy'],
      http: [
        {
          route: [
            { destination: { host: 'legacy', subset: 'v1' }, weight: 90 },
            { destination: { host: 'legacy-next' }, weight: 10 },
          ],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'legacy', namespace: NS },
    spec: { host: 'legacy', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'legacy', namespace: NS },
    spec: { selector: { app: 'legacy' } },
  },
  // Its endpoints come from an EndpointSlice the team writes: no selector.
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'legacy-next', namespace: NS },
    spec: { ports: [{ port: 80 }] },
  },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'legacy-next-1',
      namespace: NS,
      labels: { 'kubernetes.io/service-name': 'legacy-next' },
    },
    endpoints: [{ addresses: ['10.0.0.7'], conditions: { ready: true } }],
  } as KubeObject,
];

describe('a version behind a Service without a selector', () => {
  const release = readReleases(objects)[0]!;
  const next = release.versions.find((v) => v.fqdn === `legacy-next.${NS}.svc.cluster.local`)!;

  it('shows its pods as unknown, not as 0 of 0', () => {
    expect(versionView(release, next, objectsLookup(objects))).toMatchObject({ podsUnknown: true });
  });

  it('is not refused all traffic for want of ready pods', () => {
    expect(() => refuseWithoutReadyPods(release, next.name, objectsLookup(objects))).not.toThrow();
  });
});
