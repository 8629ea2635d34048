import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import {
  compileVirtualService,
  type MeshRequest,
  RouteCompileError,
  type RouteOutcome,
  type RouterOptions,
} from '../../../../shared/mesh/evaluate/index.ts';
import type { DestinationRule, IstioHTTPRoute, VirtualService } from '../../../../shared/mesh/model/index.ts';

const engine = re2Engine();

function vs(http: IstioHTTPRoute[], spec: Record<string, unknown> = {}): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { hosts: ['reviews'], http, ...spec },
  };
}

const to = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight === undefined ? {} : { weight }),
});

const dr: DestinationRule = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: { host: 'reviews.shop.svc.cluster.local', subsets: [{ name: 'v1' }, { name: 'v2' }] },
};

function route(
  v: VirtualService,
  request: MeshRequest,
  random = 0,
  options: Partial<RouterOptions> = {},
): RouteOutcome {
  return compileVirtualService(v, { engine, ...options }).route(request, random);
}

function versionOf(o: RouteOutcome): string {
  if (o.kind === 'route') return o.version;
  if (o.kind === 'delegate') return 'delegate';
  return `${o.status}${'reason' in o ? ` ${o.reason}` : ''}`;
}

const headerRule = (headers: Record<string, unknown>, subset = 'v2'): IstioHTTPRoute => ({
  match: [{ headers: headers as never }],
  route: [to(subset)],
});
const fallback: IstioHTTPRoute = { route: [to('v1')] };

describe('the regex engine', () => {
  it('full-matches: a|b accepts a and b only', () => {
    const m = engine.fullMatcher('a|b');
    expect([m('a'), m('b'), m('ab'), m('xa'), m('')]).toEqual([true, true, false, false, false]);
  });
  it('rejects lookahead, which RE2 does not support, with its own message', () => {
    expect(engine.check('(?=x)y')).toContain('invalid perl operator');
  });
  it('rejects a pattern that would only compile after being wrapped in anchors', () => {
    expect(engine.check('a)|(b')).not.toBeNull();
  });
});

describe('rule order and match lists', () => {
  it('takes the first rule that matches, even when a later one matches too', () => {
    const v = vs([
      headerRule({ 'end-user': { exact: 'jason' } }, 'v2'),
      headerRule({ 'end-user': { prefix: 'ja' } }, 'v1'),
    ]);
    expect(versionOf(route(v, { headers: { 'end-user': 'jason' } }))).toBe('v2');
  });
  it('lets a rule without match catch every request', () => {
    expect(versionOf(route(vs([fallback]), { path: '/anything' }))).toBe('v1');
  });
  it('answers 404 NR when no rule matches', () => {
    const o = route(vs([headerRule({ 'end-user': { exact: 'jason' } })]), {});
    expect(o).toMatchObject({ kind: 'notFound', status: 404, reason: 'NR' });
  });
  it('ANDs the fields of one match entry', () => {
    const v = vs([
      { match: [{ uri: { prefix: '/api' }, headers: { 'x-beta': { exact: '1' } } }], route: [to('v2')] },
      fallback,
    ]);
    expect(versionOf(route(v, { path: '/api/x', headers: { 'x-beta': '1' } }))).toBe('v2');
    expect(versionOf(route(v, { path: '/api/x' }))).toBe('v1');
    expect(versionOf(route(v, { path: '/web', headers: { 'x-beta': '1' } }))).toBe('v1');
  });
  it('ORs the entries of match and reports which one caught the request', () => {
    const v = vs([
      { match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v2')] },
      fallback,
    ]);
    const o = route(v, { path: '/b/1' });
    expect(o).toMatchObject({ kind: 'route', version: 'v2', ruleIndex: 0, matchIndex: 1 });
  });
  it('reports the rule name and a null match index for a catch-all', () => {
    const o = route(vs([{ name: 'default', route: [to('v1')] }]), {});
    expect(o).toMatchObject({ ruleIndex: 0, ruleName: 'default', matchIndex: null });
  });
});

describe('headers', () => {
  it('matches an exact header value and nothing else', () => {
    const v = vs([headerRule({ 'end-user': { exact: 'jason' } }), fallback]);
    expect(versionOf(route(v, { headers: { 'end-user': 'jason' } }))).toBe('v2');
    expect(versionOf(route(v, { headers: { 'end-user': 'Jason' } }))).toBe('v1');
  });
  it('treats request header names case-insensitively', () => {
    const v = vs([headerRule({ 'end-user': { exact: 'jason' } }), fallback]);
    expect(versionOf(route(v, { headers: { 'End-User': 'jason' } }))).toBe('v2');
  });
  it('matches a header prefix', () => {
    const v = vs([headerRule({ 'x-team': { prefix: 'pay' } }), fallback]);
    expect(versionOf(route(v, { headers: { 'x-team': 'payments' } }))).toBe('v2');
    expect(versionOf(route(v, { headers: { 'x-team': 'repay' } }))).toBe('v1');
  });
  it('requires a header regex to match the whole value, not a part of it', () => {
    const v = vs([headerRule({ 'user-agent': { regex: 'Safari' } }), fallback]);
    expect(versionOf(route(v, { headers: { 'user-agent': 'Mozilla Safari/604' } }))).toBe('v1');
    expect(versionOf(route(v, { headers: { 'user-agent': 'Safari' } }))).toBe('v2');
  });
  it('matches a header regex written for the whole value', () => {
    const v = vs([headerRule({ 'user-agent': { regex: '.*Safari.*' } }), fallback]);
    expect(versionOf(route(v, { headers: { 'user-agent': 'Mozilla Safari/604' } }))).toBe('v2');
  });
  it('reads an empty StringMatch as "header present", whatever its value', () => {
    const v = vs([headerRule({ 'x-canary': {} }), fallback]);
    expect(versionOf(route(v, { headers: { 'x-canary': '' } }))).toBe('v2');
    expect(versionOf(route(v, {}))).toBe('v1');
  });
  it('never matches a header condition when the header is missing, even a regex that accepts the empty string', () => {
    const v = vs([headerRule({ 'x-canary': { regex: '.*' } }), fallback]);
    expect(versionOf(route(v, {}))).toBe('v1');
  });
  it('ignores the header keys uri, scheme, method and authority, as Istio documents', () => {
    const v = vs([headerRule({ method: { exact: 'POST' } }), fallback]);
    expect(versionOf(route(v, { method: 'GET' }))).toBe('v2');
  });
});

describe('withoutHeaders', () => {
  it('excludes requests whose header matches', () => {
    const v = vs([
      { match: [{ withoutHeaders: { 'x-legacy': { exact: '1' } } }], route: [to('v2')] },
      fallback,
    ]);
    expect(versionOf(route(v, { headers: { 'x-legacy': '1' } }))).toBe('v1');
  });
  it('lets a request without the header through, since a missing header does not match', () => {
    const v = vs([
      { match: [{ withoutHeaders: { 'x-legacy': { exact: '1' } } }], route: [to('v2')] },
      fallback,
    ]);
    expect(versionOf(route(v, {}))).toBe('v2');
  });
  it('reads an empty StringMatch in withoutHeaders as "header absent"', () => {
    const v = vs([{ match: [{ withoutHeaders: { 'x-debug': {} } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { headers: { 'x-debug': 'no' } }))).toBe('v1');
    expect(versionOf(route(v, {}))).toBe('v2');
  });
  it('combines a user-agent match with a user-agent exclusion (Chrome but not Edge)', () => {
    const v = vs([
      {
        match: [
          {
            headers: { 'user-agent': { regex: '.*Chrome/.*' } },
            withoutHeaders: { 'user-agent': { regex: '.*Edg/.*' } },
          },
        ],
        route: [to('v2')],
      },
      fallback,
    ]);
    expect(versionOf(route(v, { headers: { 'user-agent': 'X Chrome/120 Safari/537' } }))).toBe('v2');
    expect(versionOf(route(v, { headers: { 'user-agent': 'X Chrome/120 Safari/537 Edg/120' } }))).toBe('v1');
  });
});

describe('uri', () => {
  it('matches an exact path without the query string', () => {
    const v = vs([{ match: [{ uri: { exact: '/login' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/login?next=/home' }))).toBe('v2');
    expect(versionOf(route(v, { path: '/login/x' }))).toBe('v1');
  });
  it('matches a path prefix', () => {
    const v = vs([{ match: [{ uri: { prefix: '/api/v2' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/api/v2/users' }))).toBe('v2');
    expect(versionOf(route(v, { path: '/api/v1/users' }))).toBe('v1');
  });
  it('full-matches a path regex against the path without the query string', () => {
    const v = vs([{ match: [{ uri: { regex: '/users/[0-9]+' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/users/42?x=1' }))).toBe('v2');
    expect(versionOf(route(v, { path: '/users/42/orders' }))).toBe('v1');
  });
  it('ignores case for exact and prefix when ignoreUriCase is set', () => {
    const v = vs([
      { match: [{ uri: { prefix: '/API' }, ignoreUriCase: true }], route: [to('v2')] },
      fallback,
    ]);
    expect(versionOf(route(v, { path: '/api/x' }))).toBe('v2');
  });
  it('ignores case for a regex when ignoreUriCase is set', () => {
    const v = vs([
      { match: [{ uri: { regex: '/shop/.*' }, ignoreUriCase: true }], route: [to('v2')] },
      fallback,
    ]);
    expect(versionOf(route(v, { path: '/SHOP/cart' }))).toBe('v2');
  });
  it('is case-sensitive by default', () => {
    const v = vs([{ match: [{ uri: { prefix: '/API' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/api/x' }))).toBe('v1');
  });
  it('uses / as the path when the request gives none', () => {
    const v = vs([{ match: [{ uri: { exact: '/' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, {}))).toBe('v2');
  });
});

describe('query parameters, method, authority, scheme and port', () => {
  it('matches a query parameter exactly, from the path or the query object', () => {
    const v = vs([{ match: [{ queryParams: { beta: { exact: 'true' } } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/?beta=true' }))).toBe('v2');
    expect(versionOf(route(v, { query: { beta: 'true' } }))).toBe('v2');
    expect(versionOf(route(v, { path: '/?beta=yes' }))).toBe('v1');
  });
  it('full-matches a query parameter regex', () => {
    const v = vs([{ match: [{ queryParams: { id: { regex: '[0-9]+' } } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/?id=12' }))).toBe('v2');
    expect(versionOf(route(v, { path: '/?id=12a' }))).toBe('v1');
  });
  it('matches exact "" for a parameter given without a value', () => {
    const v = vs([{ match: [{ queryParams: { debug: { exact: '' } } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/?debug' }))).toBe('v2');
  });
  it('treats a query prefix, which Istio drops, as a presence check', () => {
    const v = vs([{ match: [{ queryParams: { tag: { prefix: 'zzz' } } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/?tag=abc' }))).toBe('v2');
    expect(versionOf(route(v, { path: '/' }))).toBe('v1');
  });
  it('uses the first value of a repeated query parameter', () => {
    const v = vs([{ match: [{ queryParams: { v: { exact: '1' } } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { path: '/?v=1&v=2' }))).toBe('v2');
    expect(versionOf(route(v, { path: '/?v=2&v=1' }))).toBe('v1');
  });
  it('matches the method case-sensitively', () => {
    const v = vs([{ match: [{ method: { exact: 'POST' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { method: 'POST' }))).toBe('v2');
    expect(versionOf(route(v, { method: 'post' }))).toBe('v1');
  });
  it('matches the authority from the Host header', () => {
    const v = vs([{ match: [{ authority: { prefix: 'beta.' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { headers: { host: 'beta.shop.example' } }))).toBe('v2');
    expect(versionOf(route(v, { headers: { host: 'www.shop.example' } }))).toBe('v1');
  });
  it('matches the port only when the request names it', () => {
    const v = vs([{ match: [{ port: 8080 }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { port: 8080 }))).toBe('v2');
    expect(versionOf(route(v, {}))).toBe('v1');
  });
});

describe('source labels, namespaces and gateways', () => {
  it('matches source labels only when the request carries all of them', () => {
    const v = vs([{ match: [{ sourceLabels: { app: 'web', track: 'beta' } }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { sourceLabels: { app: 'web', track: 'beta', x: 'y' } }))).toBe('v2');
    expect(versionOf(route(v, { sourceLabels: { app: 'web' } }))).toBe('v1');
    expect(versionOf(route(v, {}))).toBe('v1');
  });
  it('matches the source namespace', () => {
    const v = vs([{ match: [{ sourceNamespace: 'qa' }], route: [to('v2')] }, fallback]);
    expect(versionOf(route(v, { sourceNamespace: 'qa' }))).toBe('v2');
    expect(versionOf(route(v, { sourceNamespace: 'prod' }))).toBe('v1');
  });
  it('applies match-level gateways to the gateway the request came through', () => {
    const v = vs([{ match: [{ gateways: ['shop/public'] }], route: [to('v2')] }, fallback], {
      gateways: ['mesh', 'public'],
    });
    expect(versionOf(route(v, { gateway: 'shop/public' }))).toBe('v2');
    expect(versionOf(route(v, { gateway: 'mesh' }))).toBe('v1');
  });
  it('answers 404 for a gateway the VirtualService is not bound to', () => {
    const v = vs([fallback], { gateways: ['public'] });
    expect(route(v, { gateway: 'mesh' })).toMatchObject({ kind: 'notFound', status: 404 });
    expect(versionOf(route(v, { gateway: 'public' }))).toBe('v1');
  });
});

describe('weights', () => {
  const split = vs([{ route: [to('v1', 90), to('v2', 10)] }]);
  it('sends a random number below the first weight to the first destination', () => {
    expect(versionOf(route(split, {}, 0.0))).toBe('v1');
    expect(versionOf(route(split, {}, 0.899))).toBe('v1');
  });
  it('sends a random number in the last share to the last destination', () => {
    expect(versionOf(route(split, {}, 0.9))).toBe('v2');
    expect(versionOf(route(split, {}, 0.999999))).toBe('v2');
  });
  it('gives a lone destination all traffic even with a weight below 100', () => {
    expect(versionOf(route(vs([{ route: [to('v2', 20)] }]), {}, 0.99))).toBe('v2');
  });
  it('uses weights that do not sum to 100 in proportion to their total', () => {
    const v = vs([{ route: [to('v1', 30), to('v2', 30)] }]);
    expect(versionOf(route(v, {}, 0.49))).toBe('v1');
    expect(versionOf(route(v, {}, 0.51))).toBe('v2');
  });
  it('gives a destination without weight among several no traffic', () => {
    const v = vs([{ route: [to('v1'), to('v2', 10)] }]);
    expect(versionOf(route(v, {}, 0.0))).toBe('v2');
  });
  it('answers 503 when every destination weighs 0', () => {
    expect(route(vs([{ route: [to('v1', 0), to('v2', 0)] }]), {})).toMatchObject({
      status: 503,
      reason: 'no weight',
    });
  });
  it('splits 10,000 evenly spaced draws exactly 90/10', () => {
    const router = compileVirtualService(split, { engine });
    let v2 = 0;
    for (let i = 0; i < 10_000; i++) if (versionOf(router.route({}, i / 10_000)) === 'v2') v2++;
    expect(v2).toBe(1000);
  });
});

describe('destinations that cannot serve', () => {
  it('answers 503 "no subset" for a subset no DestinationRule defines', () => {
    const o = route(vs([{ route: [to('v3')] }]), {}, 0, { destinationRules: [dr] });
    expect(o).toMatchObject({ kind: 'unavailable', status: 503, reason: 'no subset' });
  });
  it('resolves short hosts against each object namespace when looking up subsets', () => {
    expect(versionOf(route(vs([{ route: [to('v2')] }]), {}, 0, { destinationRules: [dr] }))).toBe('v2');
  });
  it('answers 503 no_healthy_upstream for a subset without ready endpoints', () => {
    const isReady = (_host: string, subset: string | undefined) => subset !== 'v2';
    const o = route(vs([{ route: [to('v2')] }]), {}, 0, { destinationRules: [dr], isReady });
    expect(o).toMatchObject({ status: 503, reason: 'no_healthy_upstream' });
  });
  it('names a destination without subset by its host', () => {
    const v = vs([{ route: [{ destination: { host: 'reviews-canary' } }] }]);
    expect(versionOf(route(v, {}))).toBe('reviews-canary');
  });
});

describe('actions other than routing', () => {
  it('reports a delegate instead of a version', () => {
    const o = route(vs([{ delegate: { name: 'reviews-team', namespace: 'team' } }]), {});
    expect(o).toMatchObject({ kind: 'delegate', delegate: { name: 'reviews-team' } });
  });
  it('reports a redirect with its code (301 by default)', () => {
    expect(route(vs([{ redirect: { uri: '/new' } }]), {})).toMatchObject({ kind: 'redirect', status: 301 });
    expect(route(vs([{ redirect: { uri: '/new', redirectCode: 308 } }]), {})).toMatchObject({ status: 308 });
  });
  it('reports a direct response with its status', () => {
    expect(route(vs([{ directResponse: { status: 418 } }]), {})).toMatchObject({
      kind: 'directResponse',
      status: 418,
    });
  });
});

describe('compiling', () => {
  it('refuses an invalid RE2 regex and names the field', () => {
    const v = vs([headerRule({ 'user-agent': { regex: '(?!Edge).*' } })]);
    expect(() => compileVirtualService(v, { engine })).toThrow(RouteCompileError);
    expect(() => compileVirtualService(v, { engine })).toThrow(
      'spec.http[0].match[0].headers.user-agent.regex',
    );
  });
  it('routes a VirtualService without http routes to 404', () => {
    expect(route(vs([]), {})).toMatchObject({ status: 404 });
  });
});
