import { describe, expect, it } from 'vitest';
import { targetOf, VERSION_LABELS } from '../../../main/core/metrics/istio-metrics-queries.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// Subsets told apart by a label that is not the version (track: stable / canary), both Deployments'
// pods labelled version=v1: Istio reports destination_version="v1" for both, so the label cannot
// say which subset a request reached, and the canary showed as an unknown "v1" with no traffic of
// its own. The workload that received it (destination_workload, the Deployment) can.
const deployment = (track: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `reviews-${track}`, namespace: 'shop' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'reviews', track } },
    template: { metadata: { labels: { app: 'reviews', version: 'v1', track } } },
  },
});
const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: 'reviews', subset: 'stable' }, weight: 90 },
            { destination: { host: 'reviews', subset: 'canary' }, weight: 10 },
          ],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      host: 'reviews',
      subsets: ['stable', 'canary'].map((track) => ({ name: track, labels: { track } })),
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { selector: { app: 'reviews' }, ports: [{ port: 9080 }] },
  },
  deployment('stable'),
  deployment('canary'),
];

const reported = (workload: string) => ({
  reporter: 'destination',
  destination_service: 'reviews.shop.svc.cluster.local',
  destination_version: 'v1',
  destination_workload: workload,
  destination_workload_namespace: 'shop',
});

describe('metrics of subsets told apart by a label other than the version', () => {
  it('asks Prometheus for the workload that received each request', () => {
    expect(VERSION_LABELS).toContain('destination_workload');
    expect(VERSION_LABELS).toContain('destination_workload_namespace');
  });

  it('maps each request to the version whose Deployment received it', () => {
    const [release] = readReleases(objects);
    if (!release) throw new Error('no release');
    expect(release.versions.map((v) => [v.name, v.deployments])).toEqual([
      ['stable', ['reviews-stable']],
      ['canary', ['reviews-canary']],
    ]);
    const target = targetOf(release);
    expect(target.versionOf(reported('reviews-stable'))).toEqual({ version: 'stable', inRelease: true });
    expect(target.versionOf(reported('reviews-canary'))).toEqual({ version: 'canary', inRelease: true });
    // A workload in another namespace of the same name is not this release's.
    expect(
      target.versionOf({ ...reported('reviews-canary'), destination_workload_namespace: 'other' }),
    ).toEqual({ version: 'v1', inRelease: false });
  });
});
