import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import type { MeshRequest } from '../../../../shared/mesh/evaluate/index.ts';
import { compileHTTPRoute, previewTraffic } from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';

const engine = re2Engine();

const hr = (rules: unknown[]): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'checkout', namespace: 'shop' },
  spec: { rules },
});

const segment = fc.constantFrom('a', 'b', 'api', 'v2', 'login');
const pathArb = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`);
const headerArb = fc.array(fc.tuple(fc.constantFrom('x-a', 'x-b', 'x-c'), fc.constantFrom('1', '2')), {
  maxLength: 3,
});

/** A rule that is anything but an Exact path match: PathPrefix, RegularExpression, method, headers, query. */
const otherRule = fc
  .record({
    pathType: fc.constantFrom('PathPrefix', 'RegularExpression', undefined),
    path: pathArb,
    method: fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }),
    headers: headerArb,
    query: fc.option(fc.constantFrom('1', '2'), { nil: undefined }),
  })
  .map((r) => ({
    matches: [
      {
        ...(r.pathType === undefined
          ? {}
          : {
              path: { type: r.pathType, value: r.pathType === 'RegularExpression' ? `${r.path}.*` : r.path },
            }),
        ...(r.method ? { method: r.method } : {}),
        ...(r.headers.length > 0 ? { headers: r.headers.map(([name, value]) => ({ name, value })) } : {}),
        ...(r.query ? { queryParams: [{ name: 'q', value: r.query }] } : {}),
      },
    ],
    backendRefs: [{ name: 'other' }],
  }));

describe('gateway evaluator properties', () => {
  it('shares of a catch-all rule converge to the weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }).filter((ws) => ws.some((w) => w > 0)),
        fc.nat(),
        (weights, seed) => {
          const route = hr([{ backendRefs: weights.map((weight, i) => ({ name: `v${i}`, weight })) }]);
          const n = 4000;
          const requests: MeshRequest[] = Array.from({ length: n }, () => ({ path: '/' }));
          const result = previewTraffic(compileHTTPRoute(route, { engine }), requests, { seed });
          const total = weights.reduce((a, b) => a + b, 0);
          weights.forEach((w, i) => {
            const share = result.versions.find((v) => v.version === `v${i}`)?.share ?? 0;
            if (w === 0) expect(share).toBe(0);
            else expect(Math.abs(share - w / total)).toBeLessThan(0.04);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a request matching an Exact path rule never goes to a lower-precedence rule', () => {
    fc.assert(
      fc.property(
        fc.array(otherRule, { maxLength: 6 }),
        fc.nat(6),
        pathArb,
        headerArb,
        fc.constantFrom('GET', 'POST'),
        fc.option(fc.constantFrom('1', '2'), { nil: undefined }),
        (others, at, path, headers, method, q) => {
          const position = Math.min(at, others.length);
          const exact = {
            matches: [{ path: { type: 'Exact', value: path } }],
            backendRefs: [{ name: 'exact' }],
          };
          const rules = [...others.slice(0, position), exact, ...others.slice(position)];
          const o = compileHTTPRoute(hr(rules), { engine }).route(
            { path: q ? `${path}?q=${q}` : path, method, headers: Object.fromEntries(headers) },
            0.5,
          );
          expect(o).toMatchObject({ kind: 'route', version: 'exact', ruleIndex: position, matchIndex: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });
});
