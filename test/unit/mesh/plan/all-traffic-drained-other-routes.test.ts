import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { routeAllTrafficTo } from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

// "Roll back to v1" says which versions stop receiving requests. A matched route the change leaves
// as it is (beta testers split 50/50 v1/v2) still sends requests to v2: v2 is not drained.
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
        { route: [dest('v1', 20), dest('v2', 40), dest('v3', 40)] },
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

describe('the versions all traffic to v1 drains', () => {
  it('leave out a version a route the change keeps still sends requests to', () => {
    const [release] = readReleases(objects);
    const edit = routeAllTrafficTo(release!, 'v1', { rules: 'keep' });
    expect(edit.untouched.map((u) => u.index)).toEqual([0]);
    expect(edit.drained).toEqual(['v3']);
  });
});
