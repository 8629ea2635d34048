import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import {
  compileVirtualService,
  previewTraffic,
  seededRandom,
  virtualServicesForHost,
} from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, VirtualService } from '../../../../shared/mesh/model/index.ts';

const engine = re2Engine();
const reviews: VirtualService = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: {
    hosts: ['reviews'],
    http: [
      {
        name: 'jason',
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
      { match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new' } },
      {
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
          { destination: { host: 'reviews', subset: 'v3' }, weight: 20 },
        ],
      },
    ],
  },
};
const router = compileVirtualService(reviews, { engine });

describe('previewTraffic', () => {
  const requests = [
    ...Array.from({ length: 100 }, () => ({ headers: { 'end-user': 'jason' } })),
    ...Array.from({ length: 50 }, () => ({ path: '/old/page' })),
    ...Array.from({ length: 850 }, () => ({ path: '/' })),
  ];
  const result = previewTraffic(router, requests, { seed: 7 });

  it('counts every request once', () => {
    const routed = result.versions.reduce((a, v) => a + v.count, 0);
    const other = result.other.reduce((a, v) => a + v.count, 0);
    expect(routed + other).toBe(1000);
    expect(result.total).toBe(1000);
  });
  it('sends every request of the header rule to its version and names the rule', () => {
    expect(result.rules[0]).toMatchObject({
      ruleIndex: 0,
      ruleName: 'jason',
      count: 100,
      versions: { v2: 100 },
    });
  });
  it('reports redirects apart from versions', () => {
    expect(result.other).toEqual([{ outcome: 'redirect 301', count: 50, share: 0.05 }]);
  });
  it('splits the weighted rule close to 80/20', () => {
    const rule = result.rules.find((r) => r.ruleIndex === 2)!;
    expect(rule.count).toBe(850);
    expect(Math.abs((rule.versions.v1 ?? 0) / 850 - 0.8)).toBeLessThan(0.05);
  });
  it('gives the same result for the same seed', () => {
    expect(previewTraffic(router, requests, { seed: 7 })).toEqual(result);
  });
  it('collects requests no rule takes as 404 under a null rule', () => {
    const narrow = compileVirtualService(
      { ...reviews, spec: { hosts: ['reviews'], http: [reviews.spec!.http![0]!] } },
      { engine },
    );
    const r = previewTraffic(narrow, [{ path: '/' }]);
    expect(r.rules).toEqual([{ ruleIndex: null, count: 1, share: 1, versions: { '404 NR (no route)': 1 } }]);
  });
});

describe('seededRandom', () => {
  it('draws numbers in [0, 1) and repeats them for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      expect(b()).toBe(x);
    }
  });
});

describe('virtualServicesForHost', () => {
  const other: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews' } };
  it('finds a VirtualService by its short host, its FQDN or its namespaced name', () => {
    for (const host of ['reviews', 'reviews.bookinfo', 'reviews.bookinfo.svc.cluster.local'])
      expect(virtualServicesForHost([other, reviews], host)).toEqual([reviews]);
  });
  it('finds nothing for another host', () => {
    expect(virtualServicesForHost([reviews], 'ratings')).toEqual([]);
  });
});
