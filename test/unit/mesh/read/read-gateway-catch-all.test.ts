// An HTTPRoute gives ties to its first rule and ORs a rule's matches: the catch-all the reader shows
// and edits as the split is the first rule with any match that takes every request, and when that
// rule cannot be edited (a redirect, a backend that is not a Service) no later rule is offered instead.
import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import { compileHTTPRoute } from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

const engine = re2Engine();
const hr = (rules: unknown[]): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'checkout', namespace: 'shop' },
  spec: { parentRefs: [{ group: '', kind: 'Service', name: 'checkout', port: 80 }], rules },
});
const split = {
  backendRefs: [
    { name: 'checkout-v1', port: 80, weight: 9 },
    { name: 'checkout-v2', port: 80, weight: 1 },
  ],
};
/** The rule index the data plane takes for a few plain requests (random 0 and 0.95). */
function rulesTaken(route: KubeObject): Set<number> {
  const router = compileHTTPRoute(route, { engine });
  const out = new Set<number>();
  for (const path of ['/', '/cart', '/x/y'])
    for (const random of [0, 0.95]) {
      const o = router.route({ path, headers: {} } as never, random);
      if (o.kind !== 'notFound') out.add(o.ruleIndex);
    }
  return out;
}

describe('the catch-all the reader edits is the one Gateway API routes with', () => {
  it('a first catch-all that redirects hides a later one', () => {
    const route = hr([
      { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
      split,
    ]);
    expect(rulesTaken(route)).toEqual(new Set([0])); // the data plane: every request is redirected
    const [r] = readReleases([route]);
    // Rule 1's 90/10 is not the live split: not offered as one, and the release says why.
    expect(r!.editable && r!.defaultRoute?.index === 1).toBe(false);
    expect(r!.editable).toBe(false);
    expect(r!.readOnlyReasons.join('\n')).toMatch(/rule 0 takes every request and has no backendRefs/);
    expect(r!.otherRoutes.map((o) => [o.index, o.reason])).toEqual([
      [0, 'has no backendRefs'],
      [1, 'a second catch-all rule'],
    ]);
  });

  it('a first catch-all whose backend is not a core Service hides a later one', () => {
    const route = hr([
      {
        backendRefs: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'checkout', port: 80 }],
      },
      split,
    ]);
    expect(rulesTaken(route)).toEqual(new Set([0]));
    const [r] = readReleases([route]);
    expect(r!.editable && r!.defaultRoute?.index === 1).toBe(false);
    expect(r!.readOnlyReasons.join('\n')).toMatch(
      /rule 0 takes every request and its backendRefs\[0\] is not a core Service/,
    );
  });

  it('matches are ORed: a rule with a header match OR PathPrefix / catches everything first', () => {
    const route = hr([
      {
        matches: [
          { headers: [{ name: 'x-canary', value: 'always' }] },
          { path: { type: 'PathPrefix', value: '/' } },
        ],
        backendRefs: [{ name: 'checkout-v2', port: 80 }],
      },
      split,
    ]);
    expect(rulesTaken(route)).toEqual(new Set([0])); // all requests: checkout-v2
    const [r] = readReleases([route]);
    expect(r!.editable && r!.defaultRoute?.index === 1).toBe(false);
    // Rule 0 is the split the data plane uses, and it can be edited.
    expect(r!.editable).toBe(true);
    expect(r!.defaultRoute?.destinations.map((d) => [d.version, d.weight])).toEqual([['checkout-v2', 100]]);
  });
});
