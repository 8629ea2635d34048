import { describe, expect, it } from 'vitest';
import { rolesOf } from '../../../main/core/metrics/metrics-subscription.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// After "all traffic to v1", a matched route the console does not edit (beta testers split 50/50
// between v1 and v2) still sends requests to v2: v2 is still a canary to compare with v1.
const dest = (subset: string, weight: number) => ({ destination: { host: 'reviews', subset }, weight });
const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'x-beta': { exact: '1' } } }], route: [dest('v1', 50), dest('v2', 50)] },
        { match: [{ headers: { 'x-old': { exact: '1' } } }], route: [dest('v3', 0), dest('v1', 100)] },
        { route: [dest('v1', 100), dest('v2', 0)] },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      host: 'reviews',
      subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })),
    },
  },
];

describe('the versions a metrics view compares', () => {
  it('include a version only a matched split route sends requests to, not one it weighs 0', () => {
    const [release] = readReleases(objects);
    expect(rolesOf(release)).toEqual({ stable: 'v1', canaries: ['v2'] });
  });
});
