// Two HTTPRoutes attached to one Service, each with a catch-all: Gateway API gives equally specific
// matches to the oldest route, so the younger route's split routes nothing (SY174).

import { describe, expect, it } from 'vitest';
import { lintMeshModes } from '../../../../shared/mesh/lint/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';

const meshRoute = (
  name: string,
  created: string | undefined,
  rules: unknown[],
  parent = 'pay',
  namespace = 'ledger',
): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace, ...(created ? { creationTimestamp: created } : {}) },
  spec: { parentRefs: [{ group: '', kind: 'Service', name: parent, port: 8080 }], rules },
});
const split = (a: number, b: number) => ({
  backendRefs: [
    { name: 'pay-v1', port: 8080, weight: a },
    { name: 'pay-v2', port: 8080, weight: b },
  ],
});
const betaRule = {
  matches: [{ headers: [{ name: 'x-beta', value: 'yes' }] }],
  backendRefs: [{ name: 'pay-v2', port: 8080 }],
};
const codes = (objects: KubeObject[]) =>
  lintMeshModes(objects).map((f) => [f.code, f.object.name, f.path, f.severity]);

describe('SY174: a catch-all an older HTTPRoute on the same Service takes first', () => {
  it('is found on the younger route only, at its catch-all rule, naming the older route', () => {
    const older = meshRoute('pay', '2026-01-01T00:00:00Z', [split(90, 10)]);
    const younger = meshRoute('pay-canary', '2026-03-01T00:00:00Z', [betaRule, split(50, 50)]);
    expect(codes([younger, older])).toEqual([['SY174', 'pay-canary', 'spec.rules[1]', 'warning']]);
    const [finding] = lintMeshModes([younger, older], {}, 0);
    expect(finding?.message).toBe(
      'this catch-all never takes a request: HTTPRoute ledger/pay, created earlier, is attached to Service ledger/pay too, and Gateway API gives its catch-all every request no more specific rule matches',
    );
  });

  it('breaks a tie of creation times by namespace/name, as Gateway API does', () => {
    const t = '2026-01-01T00:00:00Z';
    expect(codes([meshRoute('b', t, [split(1, 0)]), meshRoute('a', t, [{ backendRefs: [] }])])).toEqual([
      ['SY174', 'b', 'spec.rules[0]', 'warning'],
    ]);
  });

  it('is found on each route when no creation time says which was first (files not applied yet)', () => {
    expect(
      codes([meshRoute('a', undefined, [split(1, 0)]), meshRoute('b', undefined, [split(0, 1)])]),
    ).toEqual([
      ['SY174', 'a', 'spec.rules[0]', 'warning'],
      ['SY174', 'b', 'spec.rules[0]', 'warning'],
    ]);
  });

  it('is not found when only one route has a catch-all, or the routes are on different Services', () => {
    const t1 = '2026-01-01T00:00:00Z';
    const t2 = '2026-02-01T00:00:00Z';
    // A younger route with only a header rule: its more specific match does take requests.
    expect(codes([meshRoute('pay', t1, [split(1, 0)]), meshRoute('beta', t2, [betaRule])])).toEqual([]);
    expect(
      codes([meshRoute('pay', t1, [split(1, 0)]), meshRoute('cart', t2, [split(1, 0)], 'cart')]),
    ).toEqual([]);
    // `path: PathPrefix /` is a catch-all as much as no match at all.
    const prefixAll = { matches: [{ path: { type: 'PathPrefix', value: '/' } }], ...split(0, 1) };
    expect(codes([meshRoute('pay', t1, [split(1, 0)]), meshRoute('next', t2, [prefixAll])])).toEqual([
      ['SY174', 'next', 'spec.rules[0]', 'warning'],
    ]);
  });
});
