import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { isCatchAllMatch, readReleases } from '../../../../shared/mesh/read/index.ts';

function vs(name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, ...meta }, spec };
}

function dr(
  name: string,
  host: string,
  subsets: Array<[string, Record<string, string>]>,
  ns?: string,
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name, ...(ns ? { namespace: ns } : {}) },
    spec: { host, subsets: subsets.map(([n, labels]) => ({ name: n, labels })) },
  };
}

const dest = (subset: string, weight?: number, host = 'reviews') => ({
  destination: { host, subset },
  ...(weight !== undefined ? { weight } : {}),
});

describe('readReleases on VirtualService + DestinationRule', () => {
  it('resolves a short host against the VirtualService namespace and pairs subsets from the DestinationRule', () => {
    const [r] = readReleases([
      vs(
        'reviews',
        { hosts: ['reviews'], http: [{ route: [dest('v1', 90), dest('v2', 10)] }] },
        { namespace: 'shop', resourceVersion: '42', uid: 'u1' },
      ),
      dr(
        'reviews',
        'reviews',
        [
          ['v1', { version: 'v1' }],
          ['v2', { version: 'v2' }],
          ['v3', { version: 'v3' }],
        ],
        'shop',
      ),
    ]);
    expect(r!.host).toBe('reviews.shop.svc.cluster.local');
    expect(r!.editable).toBe(true);
    expect(r!.versions.map((v) => [v.name, v.origin, v.declared, v.labels.version])).toEqual([
      ['v1', 'subset', true, 'v1'],
      ['v2', 'subset', true, 'v2'],
      ['v3', 'subset', true, 'v3'],
    ]);
    expect(r!.defaultRoute?.destinations.map((d) => [d.version, d.weight, d.pointer])).toEqual([
      ['v1', 90, '/spec/http/0/route/0'],
      ['v2', 10, '/spec/http/0/route/1'],
    ]);
    expect(r!.route).toMatchObject({
      kind: 'VirtualService',
      namespace: 'shop',
      resourceVersion: '42',
      uid: 'u1',
    });
    expect(r!.sources.map((s) => s.kind)).toEqual(['VirtualService', 'DestinationRule']);
  });

  it('reads the http route without match as the default route and matched single-target routes as rules, in order', () => {
    const [r] = readReleases([
      vs('reviews', {
        hosts: ['reviews'],
        http: [
          { name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [dest('v2')] },
          { match: [{ uri: { prefix: '/api' } }], route: [dest('v3', 100)] },
          { route: [dest('v1')] },
        ],
      }),
    ]);
    expect(r!.rules.map((x) => [x.id, x.name, x.version])).toEqual([
      ['http:0', 'jason', 'v2'],
      ['http:1', undefined, 'v3'],
    ]);
    expect(r!.defaultRoute?.index).toBe(2);
    expect(r!.defaultRoute?.destinations[0]?.weight).toBe(100);
  });

  it('keeps routes it cannot express as opaque other routes with a reason, at their positions', () => {
    const [r] = readReleases([
      vs('reviews', {
        hosts: ['reviews'],
        http: [
          { match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new' } },
          { match: [{ headers: { x: { exact: '1' } } }], route: [dest('v1', 50), dest('v2', 50)] },
          { route: [dest('v1')] },
          { match: [{ uri: { prefix: '/late' } }], route: [dest('v2')] },
        ],
      }),
    ]);
    expect(r!.editable).toBe(true);
    expect(r!.otherRoutes.map((o) => [o.index, o.reason])).toEqual([
      [0, 'redirects instead of routing'],
      [1, 'splits matched requests across several destinations'],
      [3, 'unreachable: it comes after the catch-all route'],
    ]);
  });

  it('treats a match of only uri prefix "/" as a catch-all', () => {
    expect(isCatchAllMatch([{ uri: { prefix: '/' } }])).toBe(true);
    expect(isCatchAllMatch(undefined)).toBe(true);
    expect(isCatchAllMatch([{ uri: { prefix: '/api' } }])).toBe(false);
  });

  it('makes a release read-only when two VirtualServices declare the same host', () => {
    const rs = readReleases([
      vs('a', { hosts: ['reviews'], http: [{ route: [dest('v1')] }] }),
      vs('b', { hosts: ['reviews.default.svc.cluster.local'], http: [{ route: [dest('v2')] }] }),
    ]);
    expect(rs.map((r) => r.editable)).toEqual([false, false]);
    expect(rs[0]!.readOnlyReasons[0]).toMatch(/several VirtualServices \(a, b\)/);
  });

  it('makes a delegating root and a host-less delegate read-only, each with its reason', () => {
    const rs = readReleases([
      vs('root', {
        hosts: ['shop.example.com'],
        http: [{ match: [{ uri: { prefix: '/c' } }], delegate: { name: 'cart' } }],
      }),
      vs('cart', { http: [{ route: [dest('v1', undefined, 'cart')] }] }),
    ]);
    expect(rs[0]!.readOnlyReasons.join()).toMatch(/delegates to VirtualService cart/);
    expect(rs[1]!.readOnlyReasons.join()).toMatch(/has no hosts/);
  });

  it('makes a tcp-only VirtualService read-only', () => {
    const [r] = readReleases([vs('db', { hosts: ['db'], tcp: [{ route: [dest('v1', 100, 'db')] }] })]);
    expect(r!.editable).toBe(false);
    expect(r!.readOnlyReasons).toEqual([
      'VirtualService default/db has only tcp/tls routes; Switchyard edits http routes',
    ]);
  });

  it('refuses a destination with a field Istio does not define instead of guessing', () => {
    const [r] = readReleases([
      vs('t', {
        hosts: ['t'],
        http: [{ route: [{ destination: { host: 't', subset: 'v1', weight: 2 } }, dest('v2', 100, 't')] }],
      }),
    ]);
    expect(r!.editable).toBe(false);
    expect(r!.readOnlyReasons[0]).toMatch(/spec\.http\[0\]\.route\[0\]\.destination has a field 'weight'/);
  });

  it('marks subsets the route names but no DestinationRule declares as undeclared', () => {
    const [r] = readReleases([vs('r', { hosts: ['reviews'], http: [{ route: [dest('v1')] }] })]);
    expect(r!.versions).toMatchObject([{ name: 'v1', origin: 'subset', declared: false }]);
  });

  it('names versions by service when the split spans several hosts', () => {
    const [r] = readReleases([
      vs('m', {
        hosts: ['m.example.com'],
        http: [
          {
            route: [
              { destination: { host: 'a.x.svc.cluster.local' }, weight: 60 },
              { destination: { host: 'b.y.svc.cluster.local' }, weight: 40 },
            ],
          },
        ],
      }),
    ]);
    expect(r!.versions.map((v) => [v.name, v.origin])).toEqual([
      ['a', 'service'],
      ['b', 'service'],
    ]);
  });

  it('shows mirrors with their percentage and version', () => {
    const [r] = readReleases([
      vs('r', {
        hosts: ['reviews'],
        http: [
          { route: [dest('v1')], mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: { value: 25 } },
        ],
      }),
      dr('reviews', 'reviews', [
        ['v1', { version: 'v1' }],
        ['v2', { version: 'v2' }],
      ]),
    ]);
    expect(r!.mirrors).toEqual([
      { routeIndex: 0, host: 'reviews', subset: 'v2', version: 'v2', percentage: 25 },
    ]);
  });

  it('attaches Deployments to versions and adds versions that only a Deployment label knows', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'reviews' },
      spec: { selector: { app: 'reviews' } },
    };
    const dep = (v: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `reviews-${v}` },
      spec: { template: { metadata: { labels: { app: 'reviews', version: v } } } },
    });
    const [r] = readReleases([
      vs('r', { hosts: ['reviews'], http: [{ route: [dest('v1')] }] }),
      dr('reviews', 'reviews', [['v1', { version: 'v1' }]]),
      svc,
      dep('v1'),
      dep('v2'),
    ]);
    expect(r!.versions.map((v) => [v.name, v.origin, v.declared, v.deployments])).toEqual([
      ['v1', 'subset', true, ['reviews-v1']],
      ['v2', 'deployment', false, ['reviews-v2']],
    ]);
    expect(r!.sources.map((s) => s.kind)).toContain('Deployment');
  });

  it('reads disabled rules from the switchyard.io/disabled-rules annotation and refuses a broken one', () => {
    const stored = [
      {
        name: 'qa',
        position: 0,
        version: 'v2',
        route: { match: [{ headers: { q: { exact: '1' } } }], route: [dest('v2')] },
      },
    ];
    const [ok] = readReleases([
      vs(
        'r',
        { hosts: ['reviews'], http: [{ route: [dest('v1')] }] },
        { annotations: { 'switchyard.io/disabled-rules': JSON.stringify(stored) } },
      ),
    ]);
    expect(ok!.disabledRules).toMatchObject([{ id: 'disabled:0', name: 'qa', version: 'v2', position: 0 }]);
    const [bad] = readReleases([
      vs(
        'r',
        { hosts: ['reviews'], http: [{ route: [dest('v1')] }] },
        { annotations: { 'switchyard.io/disabled-rules': '{oops' } },
      ),
    ]);
    expect(bad!.editable).toBe(false);
    expect(bad!.readOnlyReasons[0]).toMatch(/not valid JSON/);
  });

  it('reads v1alpha3 and v1beta1 the same as v1, and ignores other kinds', () => {
    const objects: KubeObject[] = ['v1alpha3', 'v1beta1'].map((v, i) => ({
      apiVersion: `networking.istio.io/${v}`,
      kind: 'VirtualService',
      metadata: { name: `r${i}`, namespace: `ns${i}` },
      spec: { hosts: ['reviews'], http: [{ route: [dest('v1')] }] },
    }));
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(readReleases(objects).map((r) => [r.id, r.editable])).toEqual([
      ['istio:ns0/reviews.ns0.svc.cluster.local', true],
      ['istio:ns1/reviews.ns1.svc.cluster.local', true],
    ]);
  });
});
