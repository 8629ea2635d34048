import { describe, expect, it } from 'vitest';
import { rolesOf } from '../../../../main/core/metrics/metrics-subscription.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

// A route after the catch-all never takes a request (first match wins), so its mirror copies none:
// the release must not show v3 as receiving mirrored copies, nor judge it as a canary.
const dest = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight !== undefined ? { weight } : {}),
});
const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: ['reviews'],
      http: [
        { route: [dest('v1', 100), dest('v2', 0)] },
        {
          match: [{ headers: { 'x-shadow': { exact: '1' } } }],
          route: [dest('v1')],
          mirror: { host: 'reviews', subset: 'v3' },
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { host: 'reviews', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) },
  },
];

describe('a mirror on a route after the catch-all', () => {
  it('is no mirror of the release', () => {
    const [release] = readReleases(objects);
    expect(release!.otherRoutes.map((o) => o.index)).toEqual([1]);
    expect(release!.mirrors).toEqual([]);
    expect(rolesOf(release)).toEqual({ stable: 'v1', canaries: [] });
  });
});
