import { describe, expect, it } from 'vitest';
import type { MeshRequest } from '../../../../shared/mesh/evaluate/index.ts';
import { compileHTTPRoute, previewTraffic } from '../../../../shared/mesh/evaluate/index.ts';
import { engine, go, hr, route, rule, where } from './gateway-fixtures.ts';

// Gateway API backends, filters and the compiled router (matching and precedence: gateway-evaluator.test.ts).

describe('backends', () => {
  it('splits by weight, default 1, and names the Service as backendVersionName does', () => {
    const h = hr([
      {
        backendRefs: [
          { name: 'v1', weight: 3 },
          { name: 'v2', namespace: 'canary' },
        ],
      },
    ]);
    expect([0, 0.5, 0.74, 0.75, 0.99].map((x) => go(h, {}, x))).toEqual([
      'v1',
      'v1',
      'v1',
      'canary/v2',
      'canary/v2',
    ]);
    const o = route(h, {}, 0.9);
    expect(o.kind === 'route' && [o.destination, o.destinationIndex]).toEqual([
      { host: 'v2.canary.svc.cluster.local' },
      1,
    ]);
  });

  it('skips a zero weight and sends 100% to a lone backend', () => {
    const h = hr([
      {
        backendRefs: [
          { name: 'off', weight: 0 },
          { name: 'on', weight: 5 },
        ],
      },
    ]);
    expect([0, 0.5, 0.999].map((x) => go(h, {}, x))).toEqual(['on', 'on', 'on']);
    expect(go(hr([{ backendRefs: [{ name: 'only', weight: 7 }] }]), {}, 0.3)).toBe('only');
  });

  it('answers 500 when every weight is 0 or there are no backendRefs', () => {
    const zero = hr([
      {
        backendRefs: [
          { name: 'a', weight: 0 },
          { name: 'b', weight: 0 },
        ],
      },
    ]);
    expect(route(zero, {}, 0.5)).toMatchObject({
      kind: 'directResponse',
      status: 500,
      ruleIndex: 0,
      reason: 'every backendRef has weight 0',
    });
    expect(route(hr([{ matches: [{ method: 'GET' }] }]), {})).toMatchObject({
      kind: 'directResponse',
      status: 500,
      reason: 'no backendRefs',
    });
  });

  it('answers 500 for the share that goes to a backend that is not a Service or does not exist', () => {
    const h = hr([
      {
        backendRefs: [
          { name: 'v1', weight: 1 },
          { name: 'bucket', group: 'storage.example.com', kind: 'Bucket', weight: 1 },
          { name: 'gone', weight: 2 },
        ],
      },
    ]);
    const options = { services: new Set(['shop/v1']) };
    const at = (x: number) => where(route(h, {}, x, options));
    expect([0.1, 0.3, 0.6, 0.9].map(at)).toEqual([
      'v1',
      '500 backendRef Bucket bucket is not a Service',
      '500 Service shop/gone not found',
      '500 Service shop/gone not found',
    ]);
    expect(where(route(h, {}, 0.9))).toBe('gone');
  });

  it('answers 503 no_healthy_upstream for a Service without ready endpoints', () => {
    const h = hr([{ backendRefs: [{ name: 'v1' }] }]);
    const o = route(h, {}, 0, { isReady: (host) => host !== 'v1.shop.svc.cluster.local' });
    expect(o).toMatchObject({ kind: 'unavailable', status: 503, reason: 'no_healthy_upstream' });
  });

  it('refuses a negative or fractional weight', () => {
    expect(() => compileHTTPRoute(hr([{ backendRefs: [{ name: 'a', weight: -1 }] }]), { engine })).toThrow(
      /spec\.rules\[0\]\.backendRefs\[0\]\.weight/,
    );
  });
});

describe('filters', () => {
  it('a RequestRedirect is a redirect outcome, 302 by default', () => {
    const redirect = { scheme: 'https' };
    const h = hr([
      { name: 'to-https', filters: [{ type: 'RequestRedirect', requestRedirect: redirect }] },
      rule('moved', [{ path: { value: '/old' } }], {
        backendRefs: [],
        filters: [
          {
            type: 'RequestRedirect',
            requestRedirect: { path: { type: 'ReplaceFullPath' }, statusCode: 301 },
          },
        ],
      }),
    ]);
    expect(route(h, { path: '/x' })).toMatchObject({
      kind: 'redirect',
      status: 302,
      redirect,
      ruleName: 'to-https',
    });
    expect(route(h, { path: '/old/x' })).toMatchObject({ kind: 'redirect', status: 301, ruleIndex: 1 });
  });

  it('URLRewrite, RequestMirror and header modifiers do not change where the request goes', () => {
    const h = hr([
      rule('v1', undefined, {
        filters: [
          { type: 'URLRewrite', urlRewrite: { hostname: 'elsewhere' } },
          { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 80 } } },
          { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x', value: 'y' }] } },
        ],
      }),
    ]);
    expect(go(h, { path: '/' })).toBe('v1');
  });
});

describe('the compiled router', () => {
  it('lists hostnames and rules, and reads v1beta1 too', () => {
    const r = compileHTTPRoute(
      hr([rule('a'), { ...rule('b'), name: 'beta' }], {}, 'gateway.networking.k8s.io/v1beta1'),
      {
        engine,
      },
    );
    expect(r.hosts).toEqual(['checkout.example.com']);
    expect(r.rules).toEqual([{ index: 0 }, { index: 1, name: 'beta' }]);
  });

  it('refuses what is not a v1/v1beta1 HTTPRoute', () => {
    expect(() => compileHTTPRoute(hr([], {}, 'gateway.networking.k8s.io/v1alpha1'), { engine })).toThrow(
      /apiVersion/,
    );
    const vs = { ...hr([]), apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' };
    expect(() => compileHTTPRoute(vs, { engine })).toThrow(/not a Gateway API HTTPRoute/);
  });

  it('answers 404 for a gateway the route is not attached to', () => {
    const h = hr([rule('a')], {
      parentRefs: [{ name: 'public' }, { kind: 'Service', group: '', name: 'checkout' }],
    });
    expect(go(h, { gateway: 'shop/public' })).toBe('a');
    expect(go(h, { gateway: 'public' })).toBe('a');
    expect(go(h, { gateway: 'mesh' })).toBe('a');
    expect(go(h, { gateway: 'other/public' })).toBe('404 NR');
  });

  it('tells previewTraffic which rule caught each request, in the shape the Istio path uses', () => {
    const h = hr([
      rule('stable'),
      { name: 'beta', ...rule('canary', [{ headers: [{ name: 'x-beta', value: '1' }] }]) },
    ]);
    const requests: MeshRequest[] = [{}, { headers: { 'x-beta': '1' } }, {}, { headers: { 'x-beta': '1' } }];
    const result = previewTraffic(compileHTTPRoute(h, { engine }), requests, { seed: 3 });
    expect(result.rules).toEqual([
      { ruleIndex: 0, count: 2, share: 0.5, versions: { stable: 2 } },
      { ruleIndex: 1, ruleName: 'beta', count: 2, share: 0.5, versions: { canary: 2 } },
    ]);
    expect(result.versions.map((v) => [v.version, v.count])).toEqual([
      ['stable', 2],
      ['canary', 2],
    ]);
  });
});
