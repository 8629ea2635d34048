// The "all traffic to X" confirmation on a VirtualService counts each sample request where the
// proxy sends it: the first http route that matches, whether or not the console edits that route
// (a matched route splitting across two subsets is kept as it is by the change, and keeps its split).
import { describe, expect, it } from 'vitest';
import { allTrafficShares, planAllTraffic } from '../../../main/core/services/all-traffic-change.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import { compileVirtualService, type MeshRequest } from '../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, VirtualService } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const engine = re2Engine();
const dest = (subset: string, weight: number) => ({ destination: { host: 'reviews', subset }, weight });
const vs: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '3' },
  spec: {
    hosts: ['reviews'],
    http: [
      // Beta testers are split half and half: not one content rule, so the change leaves it alone.
      { match: [{ headers: { 'x-beta': { exact: '1' } } }], route: [dest('v1', 50), dest('v2', 50)] },
      { route: [dest('v1', 10), dest('v2', 90)] },
    ],
  },
};
const dr: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '2' },
  spec: {
    host: 'reviews',
    subsets: [
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
    ],
  },
};
const objects = [vs, dr];
const requests: MeshRequest[] = [{ headers: { 'x-beta': '1' } }, { headers: {} }];
const pct = (xs: Array<{ version: string; share: number }>) =>
  Object.fromEntries(xs.filter((x) => x.share > 0).map((x) => [x.version, Math.round(x.share * 100)]));

describe('the all-traffic confirmation on a VirtualService with a matched split route', () => {
  const [release] = readReleases(objects);
  const change = planAllTraffic(release!, objects, {
    contextId: 'test',
    releaseId: release!.id,
    version: 'v1',
    rules: 'keep',
    purpose: 'switch',
  });

  it('counts the beta testers where the proxy still sends them', () => {
    const router = compileVirtualService(vs as VirtualService, { engine });
    const beta = [0, 0.75].map((r) => router.route(requests[0]!, r));
    expect(beta.map((o) => (o.kind === 'route' ? o.version : o.kind))).toEqual(['v1', 'v2']);

    const shares = allTrafficShares(release!, change, objects, requests, engine, 'test');
    // Before: the beta tester half v1 half v2, the other 10/90.
    expect(pct(shares.before)).toEqual({ v1: 30, v2: 70 });
    // After: the other request all to v1; the beta tester still half to v2.
    expect(pct(shares.after)).toEqual({ v1: 75, v2: 25 });
  });
});

describe('the all-traffic confirmation on a VirtualService with a fault injection abort', () => {
  // The catch-all aborts 40% of its requests (503 from the caller's own proxy): those reach no
  // version, before the change as after it (the change keeps the route's fault).
  const faulty: KubeObject = {
    ...vs,
    spec: {
      hosts: ['reviews'],
      http: [
        {
          fault: { abort: { httpStatus: 503, percentage: { value: 40 } } },
          route: [dest('v1', 50), dest('v2', 50)],
        },
      ],
    },
  };
  const state = [faulty, dr];
  const [release] = readReleases(state);
  const change = planAllTraffic(release!, state, {
    contextId: 'test',
    releaseId: release!.id,
    version: 'v1',
    rules: 'keep',
    purpose: 'switch',
  });
  const sample: MeshRequest[] = Array.from({ length: 100 }, () => ({ headers: {} }));

  it('counts the aborted share as reaching no version, not all or nothing', () => {
    const shares = allTrafficShares(release!, change, state, sample, engine, 'test');
    expect(pct(shares.before)).toEqual({ v1: 30, v2: 30 });
    expect(pct(shares.after)).toEqual({ v1: 60 });
  });
});
