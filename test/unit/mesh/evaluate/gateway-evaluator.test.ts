import { describe, expect, it } from 'vitest';
import {
  compileHTTPRoute,
  pathPrefixTest,
  RouteCompileError,
} from '../../../../shared/mesh/evaluate/index.ts';
import { engine, go, hr, route, rule } from './gateway-fixtures.ts';

describe('path matching', () => {
  it('PathPrefix is element-wise: /foo matches /foo and /foo/bar, not /foobar', () => {
    const h = hr([rule('foo', [{ path: { type: 'PathPrefix', value: '/foo' } }])]);
    expect(['/foo', '/foo/', '/foo/bar', '/foobar', '/fo', '/'].map((path) => go(h, { path }))).toEqual([
      'foo',
      'foo',
      'foo',
      '404 NR',
      '404 NR',
      '404 NR',
    ]);
  });

  it('ignores a trailing slash on the prefix value and the query string on the request', () => {
    const t = pathPrefixTest('/foo/');
    expect([t('/foo'), t('/foo/x'), t('/foox')]).toEqual([true, true, false]);
    const h = hr([rule('foo', [{ path: { value: '/foo/' } }])]);
    expect(go(h, { path: '/foo?x=1' })).toBe('foo');
  });

  it('a missing path type is PathPrefix and a match without path is PathPrefix /', () => {
    const h = hr([rule('a', [{ path: { value: '/a' } }]), rule('rest', [{ method: 'GET' }])]);
    expect(go(h, { path: '/a/b' })).toBe('a');
    expect(go(h, { path: '/zzz' })).toBe('rest');
  });

  it('Exact compares the whole path without the query string, case-sensitively', () => {
    const h = hr([rule('exact', [{ path: { type: 'Exact', value: '/login' } }])]);
    expect(['/login', '/login?next=/', '/login/', '/Login'].map((path) => go(h, { path }))).toEqual([
      'exact',
      'exact',
      '404 NR',
      '404 NR',
    ]);
  });

  it('RegularExpression full-matches the path through RE2', () => {
    const h = hr([rule('re', [{ path: { type: 'RegularExpression', value: '/items/[0-9]+' } }])]);
    expect(['/items/42', '/items/42/x', '/items/abc'].map((path) => go(h, { path }))).toEqual([
      're',
      '404 NR',
      '404 NR',
    ]);
  });

  it('refuses a regex RE2 rejects, naming the field', () => {
    const h = hr([rule('re', [{ path: { type: 'RegularExpression', value: '/(?=x)' } }])]);
    expect(() => compileHTTPRoute(h, { engine })).toThrow(RouteCompileError);
    expect(() => compileHTTPRoute(h, { engine })).toThrow(/spec\.rules\[0\]\.matches\[0\]\.path\.value/);
  });

  it('refuses a relative Exact or PathPrefix value and an unknown type', () => {
    expect(() => compileHTTPRoute(hr([rule('a', [{ path: { value: 'foo' } }])]), { engine })).toThrow(
      /must be an absolute path/,
    );
    expect(() =>
      compileHTTPRoute(hr([rule('a', [{ path: { type: 'Glob', value: '/x' } }])]), { engine }),
    ).toThrow(/unknown path match type 'Glob'/);
  });
});

describe('headers, query parameters and method', () => {
  it('matches header names case-insensitively and values exactly', () => {
    const h = hr([rule('beta', [{ headers: [{ name: 'X-Beta', value: 'On' }] }]), rule('stable')]);
    expect(go(h, { headers: { 'x-beta': 'On' } })).toBe('beta');
    expect(go(h, { headers: { 'X-BETA': 'on' } })).toBe('stable');
    expect(go(h, {})).toBe('stable');
  });

  it('takes only the first entry of a header name, ignoring later equivalent ones', () => {
    const h = hr([
      rule('beta', [
        {
          headers: [
            { name: 'x-beta', value: '1' },
            { name: 'X-Beta', value: '2' },
          ],
        },
      ]),
    ]);
    expect(go(h, { headers: { 'x-beta': '1' } })).toBe('beta');
  });

  it('matches header and query values by RE2 regex, and query names exactly', () => {
    const h = hr([
      rule('re', [{ headers: [{ name: 'user-agent', type: 'RegularExpression', value: '.*Android.*' }] }]),
      rule('q', [{ queryParams: [{ name: 'Canary', value: 'yes' }] }]),
      rule('qre', [{ queryParams: [{ name: 'id', type: 'RegularExpression', value: '[0-9]{3}' }] }]),
    ]);
    expect(go(h, { headers: { 'User-Agent': 'Mozilla (Linux; Android 14)' } })).toBe('re');
    expect(go(h, { path: '/?Canary=yes' })).toBe('q');
    expect(go(h, { path: '/?canary=yes' })).toBe('404 NR');
    expect(go(h, { path: '/', query: { Canary: 'yes' } })).toBe('q');
    expect(go(h, { path: '/?id=123' })).toBe('qre');
    expect(go(h, { path: '/?id=1234' })).toBe('404 NR');
  });

  it('matches the method exactly', () => {
    const h = hr([rule('writes', [{ method: 'POST' }])]);
    expect([go(h, { method: 'POST' }), go(h, { method: 'GET' }), go(h, {})]).toEqual([
      'writes',
      '404 NR',
      '404 NR',
    ]);
  });

  it('ANDs the fields of a match and ORs the matches of a rule, reporting which match caught', () => {
    const h = hr([
      rule('v2', [
        { path: { value: '/foo' }, headers: [{ name: 'version', value: 'v2' }] },
        { path: { value: '/v2/foo' } },
      ]),
      rule('v1'),
    ]);
    const a = route(h, { path: '/foo/x', headers: { version: 'v2' } });
    const b = route(h, { path: '/v2/foo' });
    expect(a.kind === 'route' && [a.version, a.ruleIndex, a.matchIndex]).toEqual(['v2', 0, 0]);
    expect(b.kind === 'route' && [b.version, b.ruleIndex, b.matchIndex]).toEqual(['v2', 0, 1]);
    expect(go(h, { path: '/foo/x' })).toBe('v1');
  });
});

describe('precedence across all matches of the route', () => {
  it('an Exact path beats a longer PathPrefix listed first', () => {
    const h = hr([
      rule('prefix', [{ path: { type: 'PathPrefix', value: '/login/and/more' } }]),
      rule('exact', [{ path: { type: 'Exact', value: '/login' } }]),
      rule('prefix2', [{ path: { type: 'PathPrefix', value: '/login' } }]),
    ]);
    expect(go(h, { path: '/login' })).toBe('exact');
  });

  it('the longest PathPrefix wins whatever the rule order', () => {
    const h = hr([
      rule('root', [{ path: { value: '/' } }]),
      rule('api', [{ path: { value: '/api' } }]),
      rule('apiv2', [{ path: { value: '/api/v2' } }]),
    ]);
    expect(['/api/v2/x', '/api/v1', '/web'].map((path) => go(h, { path }))).toEqual(['apiv2', 'api', 'root']);
  });

  it('a RegularExpression path ranks below every PathPrefix, longer patterns first', () => {
    const h = hr([
      rule('re-short', [{ path: { type: 'RegularExpression', value: '/a.*' } }]),
      rule('re-long', [{ path: { type: 'RegularExpression', value: '/a/[0-9]+' } }]),
      rule('root', [{ path: { value: '/' } }]),
    ]);
    expect(go(h, { path: '/a/1' })).toBe('root');
    const noRoot = hr([
      rule('re-short', [{ path: { type: 'RegularExpression', value: '/a.*' } }]),
      rule('re-long', [{ path: { type: 'RegularExpression', value: '/a/[0-9]+' } }]),
    ]);
    expect(go(noRoot, { path: '/a/1' })).toBe('re-long');
    expect(go(noRoot, { path: '/ab' })).toBe('re-short');
  });

  it('on equal paths a method match beats header matches', () => {
    const h = hr([
      rule('headers', [
        {
          headers: [
            { name: 'a', value: '1' },
            { name: 'b', value: '2' },
          ],
        },
      ]),
      rule('method', [{ method: 'GET' }]),
    ]);
    expect(go(h, { method: 'GET', headers: { a: '1', b: '2' } })).toBe('method');
  });

  it('on equal paths and methods more header matches win, then more query matches', () => {
    const h = hr([
      rule('one-header', [
        { headers: [{ name: 'a', value: '1' }], queryParams: [{ name: 'q', value: '1' }] },
      ]),
      rule('two-headers', [
        {
          headers: [
            { name: 'a', value: '1' },
            { name: 'b', value: '2' },
          ],
        },
      ]),
      rule('query', [
        {
          queryParams: [
            { name: 'q', value: '1' },
            { name: 'r', value: '2' },
          ],
        },
      ]),
    ]);
    expect(go(h, { path: '/?q=1&r=2', headers: { a: '1', b: '2' } })).toBe('two-headers');
    expect(go(h, { path: '/?q=1&r=2', headers: { a: '1' } })).toBe('one-header');
    const queries = hr([
      rule('one', [{ queryParams: [{ name: 'q', value: '1' }] }]),
      rule('two', [
        {
          queryParams: [
            { name: 'q', value: '1' },
            { name: 'r', value: '2' },
          ],
        },
      ]),
    ]);
    expect(go(queries, { path: '/?q=1&r=2' })).toBe('two');
  });

  it('counts the longer path before a method', () => {
    const h = hr([rule('method', [{ method: 'GET' }]), rule('longer', [{ path: { value: '/x' } }])]);
    expect(go(h, { path: '/x', method: 'GET' })).toBe('longer');
  });

  it('keeps rule order on a full tie, and a rule without matches is PathPrefix /', () => {
    const h = hr([rule('first'), rule('second', [{ path: { value: '/' } }])]);
    const o = route(h, { path: '/anything' });
    expect(o.kind === 'route' && [o.version, o.ruleIndex, o.matchIndex]).toEqual(['first', 0, null]);
    const swapped = hr([rule('first', [{ path: { value: '/' } }]), rule('second')]);
    expect(go(swapped, { path: '/anything' })).toBe('first');
  });
});
