import { describe, expect, it } from 'vitest';
import { targetOf } from '../../../main/core/metrics/istio-metrics-queries.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// Moving reviews to a new Service: both hosts have subsets v1 and v2 labelled version=v1/v2. A
// request reported for reviews-next with version v1 belongs to reviews-next's v1, not reviews' (nor
// the other way round): the reported version is read within the host that reports it.
const subsets = (host: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: host, namespace: 'shop' },
  spec: { host, subsets: ['v1', 'v2'].map((v) => ({ name: v, labels: { version: v } })) },
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
            { destination: { host: 'reviews', subset: 'v1' }, weight: 40 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
            { destination: { host: 'reviews-next', subset: 'v1' }, weight: 40 },
            { destination: { host: 'reviews-next', subset: 'v2' }, weight: 10 },
          ],
        },
      ],
    },
  },
  subsets('reviews'),
  subsets('reviews-next'),
];

describe('metrics of a release with the same version labels on two hosts', () => {
  it('maps each reported version within its own host', () => {
    const [release] = readReleases(objects);
    const name = (host: string, subset: string) =>
      release!.versions.find((v) => v.fqdn === `${host}.shop.svc.cluster.local` && v.subset === subset)!.name;
    const target = targetOf(release!);
    const at = (host: string, version: string) =>
      target.versionOf({
        reporter: 'destination',
        destination_service: `${host}.shop.svc.cluster.local`,
        destination_version: version,
      }).version;
    expect(at('reviews', 'v1')).toBe(name('reviews', 'v1'));
    expect(at('reviews', 'v2')).toBe(name('reviews', 'v2'));
    expect(at('reviews-next', 'v1')).toBe(name('reviews-next', 'v1'));
    expect(at('reviews-next', 'v2')).toBe(name('reviews-next', 'v2'));
  });
});
