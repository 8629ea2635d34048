import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { ReleaseEditError } from '../../../../shared/mesh/model/index.ts';
import {
  planRelease,
  removeVersion,
  retargetRule,
  setCatchAllTo,
  setRuleEnabled,
  setSplit,
} from '../../../../shared/mesh/plan/index.ts';
import { subsetReferences } from '../../../../shared/mesh/plan/subset-references.ts';
import { apply, cluster, dest, release } from '../../../helpers/reviews-routes.ts';
import { shares } from '../../../helpers/shares.ts';

// An edit never leaves a route naming a subset its DestinationRule does not define: such requests
// fail with 503. Removing a version keeps its subset while anything still routes there; enabling
// a rule or moving catch-all traffic needs the target subset to exist.

const RULE = { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [dest('v1')] };
const FQDN = 'reviews.default.svc.cluster.local';

/** A VirtualService of an ingress gateway sending everything to the reviews subset `subset`. */
function ingressTo(subset: string): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews-ingress', namespace: 'default', resourceVersion: '5' },
    spec: {
      hosts: ['reviews.example.com'],
      gateways: ['public'],
      http: [{ route: [{ destination: { host: 'reviews.default.svc.cluster.local', subset } }] }],
    },
  };
}

/** Every route field of `objects` that names a reviews subset their DestinationRule lacks. */
function danglingIn(objects: KubeObject[]): string[] {
  const dr = objects.find((o) => o.kind === 'DestinationRule');
  const subsets = (dr?.spec as { subsets?: Array<{ name: string }> } | undefined)?.subsets ?? [];
  const defined = new Set(subsets.map((s) => s.name));
  const missing = ['v1', 'v2', 'v3'].filter((s) => !defined.has(s)).map((subset) => ({ fqdn: FQDN, subset }));
  return subsetReferences(objects, missing).map((r) => `${r.name} ${r.field}`);
}

describe('removing a version keeps its subset while anything routes to it', () => {
  it('refuses while the route mirrors to it, naming the field', () => {
    const objects = cluster([
      { route: [dest('v1', 0), dest('v2', 100)], mirror: { host: 'reviews', subset: 'v1' } },
    ]);
    const r = release(objects);
    const e = (() => {
      try {
        planRelease(r, removeVersion(r, 'v1'), objects);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ReleaseEditError);
    expect((e as Error).message).toMatch(
      /cannot remove subset\(s\) v1: still routed to by VirtualService default\/reviews spec\.http\[0\]\.mirror/,
    );
    expect((e as Error).message).toMatch(/503/);
  });

  it('refuses while a tcp route of the same VirtualService sends to it', () => {
    const objects = cluster([{ route: [dest('v1', 0), dest('v2', 100)] }]);
    (objects[0]!.spec as Record<string, unknown>).tcp = [
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ];
    const r = release(objects);
    expect(() => planRelease(r, removeVersion(r, 'v1'), objects)).toThrow(/spec\.tcp\[0\]\.route\[0\]/);
  });

  it('refuses while another VirtualService (an ingress route) sends to it', () => {
    const own = cluster([{ route: [dest('v1', 0), dest('v2', 100)] }]);
    const objects = [...own, ingressTo('v1')];
    const r = release(own);
    expect(() => planRelease(r, removeVersion(r, 'v1'), objects)).toThrow(
      /VirtualService default\/reviews-ingress spec\.http\[0\]\.route\[0\] \(subset v1\)/,
    );
    // A route to another subset of the host does not hold the removal back.
    const plan = planRelease(r, removeVersion(r, 'v1'), [...own, ingressTo('v2')]);
    expect(plan.steps.map((s) => s.id)).toEqual(['update-route', 'remove-subsets']);
    expect(danglingIn(apply([...own, ingressTo('v2')], plan))).toEqual([]);
  });

  it('still removes a version whose last destination and rules the same change takes out', () => {
    const objects = cluster([RULE, { route: [dest('v1', 0), dest('v2', 100)] }]);
    const r = release(objects);
    const after = apply(objects, planRelease(r, removeVersion(r, 'v1'), objects));
    expect(danglingIn(after)).toEqual([]);
    expect(release(after).versions.map((v) => v.name)).toEqual(['v2', 'v3']);
  });

  it('finds references by the host as Istio resolves it, short or fully qualified', () => {
    const vs = ingressTo('v1');
    expect(subsetReferences([vs], [{ fqdn: FQDN, subset: 'v1' }])).toHaveLength(1);
    expect(subsetReferences([vs], [{ fqdn: 'reviews.other.svc.cluster.local', subset: 'v1' }])).toEqual([]);
    const short = { ...vs, metadata: { ...vs.metadata, namespace: 'other' } };
    (short.spec as { http: unknown[] }).http = [{ route: [dest('v1')] }];
    // `reviews` in namespace other is reviews.other, not the default namespace's reviews.
    expect(subsetReferences([short], [{ fqdn: FQDN, subset: 'v1' }])).toEqual([]);
  });
});

describe('enabling a rule needs its version to exist still', () => {
  it('refuses to enable a disabled rule whose subset a later change removed', () => {
    const start = cluster([RULE, { route: [dest('v1', 0), dest('v2', 100)] }]);
    const r0 = release(start);
    const ruleId = r0.rules[0]!.id;
    const disabled = apply(start, planRelease(r0, setRuleEnabled(r0, ruleId, false), start));
    const r1 = release(disabled);
    const removed = apply(disabled, planRelease(r1, removeVersion(r1, 'v1'), disabled));
    const r2 = release(removed);
    expect(danglingIn(removed)).toEqual([]);
    const id = r2.disabledRules[0]!.id;
    expect(() => setRuleEnabled(r2, id, true)).toThrow(
      new RegExp(`cannot enable rule '${id}': unknown version 'v1'`),
    );
  });

  it('enables it again while its subset exists', () => {
    const start = cluster([RULE, { route: [dest('v1', 0), dest('v2', 100)] }]);
    const r0 = release(start);
    const disabled = apply(start, planRelease(r0, setRuleEnabled(r0, r0.rules[0]!.id, false), start));
    const r1 = release(disabled);
    const back = apply(
      disabled,
      planRelease(r1, setRuleEnabled(r1, r1.disabledRules[0]!.id, true), disabled),
    );
    expect(release(back).rules.map((x) => x.version)).toEqual(['v1']);
  });
});

describe('catch-all traffic only moves to subsets the DestinationRule defines', () => {
  // The DestinationRule defines v1 and v2; a rule already sends jason to v3, which it lacks.
  const undeclared = () =>
    cluster([{ ...RULE, route: [dest('v3')] }, { route: [dest('v1', 90), dest('v2', 10)] }], ['v1', 'v2']);

  it('refuses a cut-over or a split giving the undefined subset traffic', () => {
    const r = release(undeclared());
    expect(() => setCatchAllTo(r, 'v3')).toThrow(
      /version 'v3' is not a subset of DestinationRule default\/reviews \(no subset 'v3'\).*503/,
    );
    expect(() => setSplit(r, shares({ v1: 50, v3: 50 }))).toThrow(ReleaseEditError);
    // Nor may a rule be pointed at it, though the catch-all already sends it some traffic.
    const withRule = release(cluster([RULE, { route: [dest('v1', 90), dest('v3', 10)] }], ['v1', 'v2']));
    expect(() => retargetRule(withRule, withRule.rules[0]!.id, 'v3')).toThrow(/no subset 'v3'/);
    expect(() => retargetRule(withRule, withRule.rules[0]!.id, 'v2')).not.toThrow();
  });

  it('still moves traffic between the defined subsets, and off an undefined one', () => {
    const objects = undeclared();
    const r = release(objects);
    const after = apply(objects, planRelease(r, setSplit(r, shares({ v1: 0, v2: 100 })), objects));
    expect(release(after).defaultRoute!.destinations.map((d) => [d.version, d.weight])).toEqual([
      ['v1', 0],
      ['v2', 100],
    ]);
    // A catch-all that already sends 20% to the undefined subset can be moved off it.
    const broken = cluster([{ route: [dest('v1', 80), dest('v3', 20)] }], ['v1', 'v2']);
    const rb = release(broken);
    expect(() => setSplit(rb, shares({ v1: 100, v3: 0 }))).not.toThrow();
    expect(() => setSplit(rb, shares({ v1: 70, v3: 30 }))).toThrow(/no subset 'v3'/);
  });

  it('takes a route to a version as written when no DestinationRule of its host is in view (a file alone)', () => {
    const vsOnly = cluster([{ route: [dest('v1', 90), dest('v2', 10)] }]).slice(0, 1);
    const r = release(vsOnly);
    expect(() => setSplit(r, shares({ v1: 50, v2: 50 }))).not.toThrow();
  });

  it('never gives an undefined subset more than the cluster already gives it (any split asked)', () => {
    const r = release(cluster([{ route: [dest('v1', 80), dest('v2', 10), dest('v3', 10)] }], ['v1', 'v2']));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (a, b) => {
        fc.pre(a + b <= 100);
        try {
          const d = setSplit(r, shares({ v1: a, v2: 100 - a - b, v3: b }));
          return (d.split.find((s) => s.version === 'v3')?.weight ?? 0) <= 10;
        } catch (e) {
          return e instanceof ReleaseEditError && b > 10 && /no subset 'v3'/.test(e.message);
        }
      }),
      { numRuns: 300 },
    );
  });
});
