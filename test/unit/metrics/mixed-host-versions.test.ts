import { describe, expect, it } from 'vitest';
import { targetOf } from '../../../main/core/metrics/istio-metrics-queries.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// A VirtualService splitting between two subsets of `reviews` and a second Service, `reviews-canary`:
// the destination service alone names a version only for a host that carries one version; the
// requests to `reviews` belong to v1 or v2 by the version its pods report.
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
            { destination: { host: 'reviews', subset: 'v1' }, weight: 60 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 30 },
            { destination: { host: 'reviews-canary' }, weight: 10 },
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
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    },
  },
];

describe('metrics of a release whose versions are two subsets of one host and another host', () => {
  it('attributes the shared host’s requests by the reported version, the other host’s by its service', () => {
    const [release] = readReleases(objects);
    const nameOf = (fqdn: string, subset?: string) =>
      release!.versions.find((v) => v.fqdn === `${fqdn}.shop.svc.cluster.local` && v.subset === subset)!.name;
    const [v1, v2, canary] = [nameOf('reviews', 'v1'), nameOf('reviews', 'v2'), nameOf('reviews-canary')];
    const target = targetOf(release!);
    const at = (service: string, version: string) =>
      target.versionOf({
        reporter: 'destination',
        destination_service: `${service}.shop.svc.cluster.local`,
        destination_version: version,
      });
    expect(at('reviews', 'v1')).toEqual({ version: v1, inRelease: true });
    expect(at('reviews', 'v2')).toEqual({ version: v2, inRelease: true });
    expect(at('reviews-canary', 'unknown')).toEqual({ version: canary, inRelease: true });
  });
});
