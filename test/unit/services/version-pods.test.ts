import { describe, expect, it } from 'vitest';
import { objectsLookup } from '../../../main/core/drafts/draft-views.ts';
import { refuseWithoutReadyPods } from '../../../main/core/services/release-changes.ts';
import { podsOfVersion } from '../../../main/core/services/version-pods.ts';
import { versionView } from '../../../main/core/views/release-views.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// Pods per version are counted by the Service's selector AND the version's labels: two services of
// one namespace whose pods share `version` labels must not count each other's pods.

const NS = 'shop';

function service(name: string, selector: Record<string, string> | undefined): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: selector ? { selector, ports: [{ port: 9080 }] } : { ports: [{ port: 9080 }] },
  };
}

let podSeq = 0;
function pod(
  labels: Record<string, string>,
  opts: { ready?: boolean; restarts?: number; created?: string; deleting?: boolean } = {},
): KubeObject {
  podSeq++;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${podSeq}`,
      namespace: NS,
      labels,
      creationTimestamp: opts.created ?? `2026-01-0${1 + (podSeq % 8)}T00:00:00Z`,
      ...(opts.deleting ? { deletionTimestamp: '2026-02-01T00:00:00Z' } : {}),
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      containerStatuses: [{ name: 'app', ready: opts.ready !== false, restartCount: opts.restarts ?? 0 }],
    },
  };
}

const reviewsVs: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: NS },
  spec: {
    hosts: ['reviews'],
    http: [
      {
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
          { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
        ],
      },
    ],
  },
};

const reviewsDr: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: NS },
  spec: {
    host: 'reviews',
    subsets: [
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
    ],
  },
};

function reviewsVersions(objects: KubeObject[]) {
  const release = readReleases(objects).find((r) => r.host === `reviews.${NS}.svc.cluster.local`);
  if (!release) throw new Error('no reviews release read');
  const lookup = objectsLookup(objects);
  return Object.fromEntries(release.versions.map((v) => [v.name, versionView(release, v, lookup)]));
}

describe('pods per version', () => {
  it('counts only the pods the Service selects, not every pod labelled version=v1 in the namespace', () => {
    const objects = [
      reviewsVs,
      reviewsDr,
      service('reviews', { app: 'reviews' }),
      service('ratings', { app: 'ratings' }),
      pod({ app: 'reviews', version: 'v1' }, { restarts: 2, created: '2026-01-03T00:00:00Z' }),
      pod({ app: 'reviews', version: 'v1' }, { ready: false, created: '2026-01-02T00:00:00Z' }),
      pod({ app: 'reviews', version: 'v2' }),
      pod({ app: 'ratings', version: 'v1' }, { restarts: 7, created: '2025-01-01T00:00:00Z' }),
      pod({ app: 'ratings', version: 'v1' }),
      pod({ app: 'details', version: 'v1' }),
    ];
    const views = reviewsVersions(objects);
    expect(views.v1).toMatchObject({ podsReady: 1, podsTotal: 2, restarts: 2 });
    // Age comes from the same pods: the oldest reviews-v1 pod, not the older ratings pod.
    expect(views.v1?.createdAt).toBe('2026-01-02T00:00:00Z');
    expect(views.v2).toMatchObject({ podsReady: 1, podsTotal: 1, restarts: 0 });
  });

  it('shows 0/0 for a version scaled to zero, even while its last pod is terminating', () => {
    const objects = [
      reviewsVs,
      reviewsDr,
      service('reviews', { app: 'reviews' }),
      pod({ app: 'reviews', version: 'v1' }),
      pod({ app: 'reviews', version: 'v2' }, { deleting: true, restarts: 3 }),
      pod({ app: 'ratings', version: 'v2' }),
    ];
    const views = reviewsVersions(objects);
    expect(views.v2).toMatchObject({ podsReady: 0, podsTotal: 0, restarts: 0 });
    expect(views.v2?.createdAt).toBeUndefined();
    expect(views.v1).toMatchObject({ podsReady: 1, podsTotal: 1 });
  });

  it('counts a Gateway API backend by its Service selector', () => {
    const route: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'checkout', namespace: NS },
      spec: {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['checkout.example.com'],
        rules: [
          {
            backendRefs: [
              { name: 'checkout-v1', port: 80, weight: 50 },
              { name: 'checkout-v2', port: 80, weight: 50 },
            ],
          },
        ],
      },
    };
    const objects = [
      route,
      service('checkout-v1', { app: 'checkout', version: 'v1' }),
      service('checkout-v2', { app: 'checkout', version: 'v2' }),
      pod({ app: 'checkout', version: 'v1' }),
      pod({ app: 'checkout', version: 'v1' }),
      pod({ app: 'payments', version: 'v1' }),
    ];
    const release = readReleases(objects).find((r) => r.flavor === 'gateway-api');
    if (!release) throw new Error('no HTTPRoute release read');
    const lookup = objectsLookup(objects);
    const byName = Object.fromEntries(release.versions.map((v) => [v.name, versionView(release, v, lookup)]));
    expect(byName['checkout-v1']).toMatchObject({ podsReady: 2, podsTotal: 2 });
    expect(byName['checkout-v2']).toMatchObject({ podsReady: 0, podsTotal: 0 });
  });

  it('cannot count pods for a Service without a selector, and falls back to the labels without a Service', () => {
    const pods = [pod({ app: 'reviews', version: 'v1' }), pod({ app: 'ratings', version: 'v1' })];
    const withBareService = objectsLookup([service('reviews', undefined), ...pods]);
    const v1 = { fqdn: `reviews.${NS}.svc.cluster.local`, labels: { version: 'v1' } };
    // Its endpoints are not picked from pods: unknown, not none (selectorless-service-pods.test.ts).
    expect(podsOfVersion(v1, NS, withBareService)).toBeNull();
    const noService = objectsLookup(pods);
    expect(podsOfVersion(v1, NS, noService)).toHaveLength(2);
    // Nothing to go by: the count is unknown, not zero.
    expect(podsOfVersion({ ...v1, labels: {} }, NS, noService)).toBeNull();
  });

  it('says pods are unknown for a host outside the cluster rather than 0/0', () => {
    const external: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'partner', namespace: NS },
      spec: {
        hosts: ['api.partner.example'],
        http: [{ route: [{ destination: { host: 'api.partner.example' } }] }],
      },
    };
    const objects = [external, pod({ app: 'reviews', version: 'v1' })];
    const release = readReleases(objects)[0];
    if (!release) throw new Error('no release read');
    const view = versionView(release, release.versions[0]!, objectsLookup(objects));
    expect(view).toMatchObject({ podsTotal: 0, podsUnknown: true });
  });

  it('looks pods up in the namespace of the Service the host names', () => {
    const other: KubeObject = {
      ...service('reviews', { app: 'reviews' }),
      metadata: { name: 'reviews', namespace: 'other' },
    };
    const remotePod = { ...pod({ app: 'reviews', version: 'v1' }) };
    remotePod.metadata = { ...remotePod.metadata, namespace: 'other' };
    const lookup = objectsLookup([other, remotePod, pod({ app: 'reviews', version: 'v1' })]);
    const found = podsOfVersion(
      { fqdn: 'reviews.other.svc.cluster.local', labels: { version: 'v1' } },
      NS,
      lookup,
    );
    expect((found ?? []).map((p) => p.metadata.namespace)).toEqual(['other']);
  });
});

describe('all traffic to a version, by its pods', () => {
  const refuse = (objects: KubeObject[], host: string, version: string) => () => {
    const release = readReleases(objects).find((r) => r.host === host);
    if (!release) throw new Error(`no release of ${host}`);
    refuseWithoutReadyPods(release, version, objectsLookup(objects));
  };

  it('is refused for a version with no ready pod, and allowed once one is ready', () => {
    const base = [
      reviewsVs,
      reviewsDr,
      service('reviews', { app: 'reviews' }),
      pod({ app: 'reviews', version: 'v1' }),
    ];
    const host = `reviews.${NS}.svc.cluster.local`;
    expect(refuse(base, host, 'v2')).toThrow(
      'cannot send all traffic to v2: it has no ready pod (0 of 0 ready), so every request would fail (503)',
    );
    expect(refuse([...base, pod({ app: 'reviews', version: 'v2' }, { ready: false })], host, 'v2')).toThrow(
      /\(0 of 1 ready\)/,
    );
    expect(refuse([...base, pod({ app: 'reviews', version: 'v2' })], host, 'v2')).not.toThrow();
  });

  it('is not refused for a version whose pods this session cannot count (an external host)', () => {
    const external: KubeObject = {
      ...reviewsVs,
      metadata: { name: 'payments', namespace: NS },
      spec: {
        hosts: ['payments.example.com'],
        http: [{ route: [{ destination: { host: 'payments.example.com', subset: 'v1' } }] }],
      },
    };
    const dr: KubeObject = {
      ...reviewsDr,
      metadata: { name: 'payments', namespace: NS },
      spec: { ...(reviewsDr.spec as Record<string, unknown>), host: 'payments.example.com' },
    };
    expect(refuse([external, dr], 'payments.example.com', 'v2')).not.toThrow();
  });
});
