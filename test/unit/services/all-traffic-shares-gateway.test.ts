// The "all traffic to X" confirmation on an HTTPRoute counts each sample request where Gateway API
// sends it (the most specific match wins, PathPrefix matches whole path segments), before the change
// through the live HTTPRoute and after it through the HTTPRoute the plan writes.
import { describe, expect, it } from 'vitest';
import { allTrafficShares, planAllTraffic } from '../../../main/core/services/all-traffic-change.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { compileHTTPRoute, type MeshRequest } from '../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const engine = re2Engine();
const route: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'shop', namespace: 'shop', resourceVersion: '3' },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'shop', port: 80 }],
    rules: [
      // Beta testers go to v2 ...
      {
        matches: [{ headers: [{ name: 'x-beta', value: '1' }] }],
        backendRefs: [{ name: 'shop-v2', port: 80 }],
      },
      // ... but the API stays on v1 (a longer path is more specific than the header rule's implicit `/`).
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [{ name: 'shop-v1', port: 80 }],
      },
      {
        backendRefs: [
          { name: 'shop-v1', port: 80, weight: 0 },
          { name: 'shop-v3', port: 80, weight: 1 },
        ],
      },
    ],
  },
};
const service = (name: string, version: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop', resourceVersion: '1' },
  spec: { selector: { app: 'shop', version }, ports: [{ port: 80 }] },
});
const objects = [route, service('shop-v1', 'v1'), service('shop-v2', 'v2'), service('shop-v3', 'v3')];
const requests: MeshRequest[] = [
  { path: '/api/orders', headers: { 'x-beta': '1' } }, // Gateway API: rule 1 (/api) → shop-v1
  { path: '/apiary', headers: {} }, // Gateway API: PathPrefix /api is element-wise, not matched → catch-all → shop-v3
  { path: '/apiary', headers: { 'x-beta': '1' } }, // Gateway API: header rule → shop-v2
];
const pct = (xs: Array<{ version: string; share: number }>) =>
  Object.fromEntries(xs.filter((x) => x.share > 0).map((x) => [x.version, Math.round(x.share * 100)]));

describe('the all-traffic confirmation on an HTTPRoute', () => {
  const [release] = readReleases(objects).filter((r) => r.flavor === 'gateway-api');
  const change = (rules: 'keep' | 'retarget') =>
    planAllTraffic(release!, objects, {
      contextId: 'test',
      releaseId: release!.id,
      version: 'shop-v1',
      rules,
      purpose: 'switch',
    });

  it('counts requests where the data plane sends them', () => {
    const router = compileHTTPRoute(route, { engine });
    const truth = requests.map((r) => {
      const o = router.route(r, 0);
      return o.kind === 'route' ? o.version : o.kind;
    });
    expect(truth).toEqual(['shop-v1', 'shop-v3', 'shop-v2']);

    const shares = allTrafficShares(release!, change('keep'), objects, requests, engine, 'test');
    // Before: one request each to shop-v1, shop-v2, shop-v3 (as the data plane routes them).
    expect(pct(shares.before)).toEqual({ 'shop-v1': 33, 'shop-v2': 33, 'shop-v3': 33 });
    // After, with the content rules kept: the beta tester on /apiary still reaches shop-v2.
    expect(pct(shares.after)).toEqual({ 'shop-v1': 67, 'shop-v2': 33 });
  });

  it('counts after the change through the HTTPRoute the plan writes', () => {
    const shares = allTrafficShares(release!, change('retarget'), objects, requests, engine, 'test');
    expect(pct(shares.after)).toEqual({ 'shop-v1': 100 });
  });
});
