// Content rules as HTTPRoute matches: header, query, path (Exact, PathPrefix, RegularExpression)
// and method conditions, cookies and OS/browser presets through header regex matches. What the
// console writes on an HTTPRoute reads back as the conditions the operator gave (round trip).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_PRESETS,
  type Condition,
  compileRule,
  describeMatches,
  formatCondition,
  HTTP_METHODS,
  OS_PRESETS,
  parseCondition,
} from '../../../../shared/mesh/policy/index.ts';
import { toGatewayMatches, toIstioMatches } from '../../../../shared/mesh/read/index.ts';

/** Conditions → the HTTPRoute matches the console writes → read back from the HTTPRoute. */
function throughHttpRoute(conditions: Condition[]): Condition[][] | null {
  const gateway = toGatewayMatches(compileRule(conditions));
  const istio = toIstioMatches(JSON.parse(JSON.stringify(gateway)));
  return istio ? describeMatches(istio) : null;
}

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const segment = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`);

/** One rule: at most one of each kind of condition, as compileRule accepts them. */
const rule = fc
  .record(
    {
      header: fc.record({ name: token.map((n) => `x-${n}`), value: token }),
      query: fc.record({ name: token, value: token }),
      path: fc.record({ op: fc.constantFrom('exact' as const, 'prefix' as const), value: path }),
      method: fc.constantFrom(...HTTP_METHODS),
      cookie: fc.record({ name: token, value: token }),
      os: fc.constantFrom(...OS_PRESETS),
      browser: fc.constantFrom(...BROWSER_PRESETS),
    },
    { requiredKeys: [] },
  )
  .map((r) => {
    const out: Condition[] = [];
    if (r.path) out.push({ kind: 'path', op: r.path.op, value: r.path.value });
    if (r.method) out.push({ kind: 'method', method: r.method });
    if (r.header) out.push({ kind: 'header', name: r.header.name, op: 'exact', value: r.header.value });
    if (r.cookie) out.push({ kind: 'cookie', name: r.cookie.name, op: 'exact', value: r.cookie.value });
    if (r.os) out.push({ kind: 'os', os: r.os });
    if (r.browser) out.push({ kind: 'browser', browser: r.browser });
    if (r.query) out.push({ kind: 'query', name: r.query.name, op: 'exact', value: r.query.value });
    return out;
  })
  .filter((c) => c.length > 0)
  // Presets that exclude look-alikes need withoutHeaders, which an HTTPRoute cannot say (refused below).
  .filter((c) => !compileRule(c).some((m) => m.withoutHeaders !== undefined));

describe('content rules on an HTTPRoute', () => {
  it('writes path, method, header and query conditions as Gateway API matches', () => {
    const conditions: Condition[] = [
      { kind: 'path', op: 'prefix', value: '/api' },
      { kind: 'method', method: 'POST' },
      { kind: 'header', name: 'x-canary', op: 'exact', value: 'always' },
      { kind: 'query', name: 'beta', op: 'exact', value: '1' },
    ];
    expect(toGatewayMatches(compileRule(conditions))).toEqual([
      {
        path: { type: 'PathPrefix', value: '/api' },
        method: 'POST',
        headers: [{ name: 'x-canary', type: 'Exact', value: 'always' }],
        queryParams: [{ name: 'beta', type: 'Exact', value: '1' }],
      },
    ]);
    expect(toGatewayMatches(compileRule([{ kind: 'path', op: 'regex', value: '/items/[0-9]+' }]))).toEqual([
      { path: { type: 'RegularExpression', value: '/items/[0-9]+' } },
    ]);
    expect(toGatewayMatches(compileRule([{ kind: 'path', op: 'exact', value: '/health' }]))).toEqual([
      { path: { type: 'Exact', value: '/health' } },
    ]);
  });

  it('writes a cookie and a browser preset as header RegularExpression matches, and reads them back', () => {
    const conditions: Condition[] = [
      { kind: 'cookie', name: 'group', op: 'exact', value: 'beta' },
      { kind: 'browser', browser: 'edge' },
    ];
    const written = toGatewayMatches(compileRule(conditions));
    for (const m of written)
      for (const h of m.headers as Array<{ type: string }>) expect(h.type).toBe('RegularExpression');
    expect(throughHttpRoute(conditions)).toEqual([conditions]);
  });

  it('property: what is written on an HTTPRoute reads back as the same conditions', () => {
    fc.assert(
      fc.property(rule, (conditions) => {
        expect(throughHttpRoute(conditions)).toEqual([conditions]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: the CLI syntax of path and method conditions round-trips', () => {
    fc.assert(
      fc.property(rule, (conditions) => {
        for (const c of conditions) expect(parseCondition(formatCondition(c))).toEqual(c);
      }),
    );
  });

  it('refuses a preset that needs a negative user-agent match, which an HTTPRoute cannot say', () => {
    expect(() => toGatewayMatches(compileRule([{ kind: 'os', os: 'ios' }]))).toThrow(
      /withoutHeaders; most OS and browser presets exclude look-alikes this way\) has no Gateway API equivalent/,
    );
  });

  it('refuses a path that cannot be written, or a method Gateway API does not know, with a clear error', () => {
    expect(() => parseCondition('path:^/')).toThrow(/the path prefix '\/' matches every request/);
    expect(() => parseCondition('path:=api')).toThrow(/the path 'api' must start with '\/'/);
    expect(() => parseCondition('path:/api')).toThrow(
      /expected path:=\/EXACT, path:\^\/PREFIX or path:~REGEX/,
    );
    expect(() => parseCondition('method:FETCH')).toThrow(/unknown method 'FETCH' \(known: GET, HEAD/);
    expect(parseCondition('method:get')).toEqual({ kind: 'method', method: 'GET' });
    expect(() =>
      compileRule([
        { kind: 'path', op: 'exact', value: '/a' },
        { kind: 'path', op: 'exact', value: '/b' },
      ]),
    ).toThrow(/one path condition/);
    expect(() =>
      compileRule([
        { kind: 'method', method: 'GET' },
        { kind: 'method', method: 'POST' },
      ]),
    ).toThrow(/one method \(found GET and POST\)/);
  });
});
