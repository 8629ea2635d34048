import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { applyJsonPatch, JsonPatchTestError, ReleaseEditError } from '../../../../shared/mesh/model/index.ts';
import {
  addContentRule,
  addVersion,
  planRelease,
  removeContentRule,
  removeVersion,
  setCatchAllTo,
  setRuleEnabled,
  setSplit,
} from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';
import { apply, cluster, dest, release } from '../../../helpers/reviews-routes.ts';
import { shares } from '../../../helpers/shares.ts';

describe('planRelease', () => {
  it('plans a weight change as ONE step: test resourceVersion, test each old weight, then replace each weight', () => {
    const objects = cluster([{ route: [dest('v1', 90), dest('v2', 10)], retries: { attempts: 3 } }]);
    const r = release(objects);
    const plan = planRelease(r, setSplit(r, shares({ v1: 70, v2: 30 })), objects);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.target).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'default',
      name: 'reviews',
    });
    expect(plan.steps[0]!.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '100' },
      { op: 'test', path: '/spec/http/0/route/0/weight', value: 90 },
      { op: 'test', path: '/spec/http/0/route/1/weight', value: 10 },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 70 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 30 },
    ]);
    const [after] = apply(objects, plan);
    expect((after!.spec as { http: Array<{ retries: unknown }> }).http[0]!.retries).toEqual({ attempts: 3 });
  });

  it('plans nothing when the split is what the route already says', () => {
    const objects = cluster([{ route: [dest('v1')] }]);
    const r = release(objects);
    expect(planRelease(r, setSplit(r, shares({ v1: 100 })), objects).steps).toEqual([]);
  });

  it('adds the weight keys and the new destination in the same patch when the route had no weights', () => {
    const objects = cluster([{ route: [dest('v1')] }]);
    const r = release(objects);
    const plan = planRelease(r, setSplit(r, shares({ v1: 90, v3: 10 })), objects);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.patch.filter((op) => op.op !== 'test')).toEqual([
      { op: 'add', path: '/spec/http/0/route/0/weight', value: 90 },
      {
        op: 'add',
        path: '/spec/http/0/route/-',
        value: { destination: { host: 'reviews', subset: 'v3' }, weight: 10 },
      },
    ]);
  });

  it('fails to apply when someone changed the object since it was read', () => {
    const objects = cluster([{ route: [dest('v1', 90), dest('v2', 10)] }]);
    const r = release(objects);
    const plan = planRelease(r, setSplit(r, shares({ v1: 50, v2: 50 })), objects);
    const moved = applyJsonPatch(objects[0]!, [
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 80 },
    ]);
    expect(() => applyJsonPatch(moved, plan.steps[0]!.patch)).toThrow(JsonPatchTestError);
  });

  it('cuts over with every other version at 0, destinations kept', () => {
    const objects = cluster([{ route: [dest('v1', 90), dest('v2', 10)] }]);
    const r = release(objects);
    const after = release(apply(objects, planRelease(r, setCatchAllTo(r, 'v2'), objects)));
    expect(after.defaultRoute!.destinations.map((d) => [d.version, d.weight])).toEqual([
      ['v1', 0],
      ['v2', 100],
    ]);
  });

  it('creates a new subset in a step BEFORE the route step that uses it (make-before-break)', () => {
    const objects = cluster([{ route: [dest('v1')] }], ['v1']);
    const r = release(objects);
    const desired = setSplit(
      addVersion(r, { name: 'v2', labels: { version: 'v2' } }),
      shares({ v1: 90, v2: 10 }),
    );
    const plan = planRelease(r, desired, objects);
    expect(plan.steps.map((s) => [s.id, s.target.kind, s.dependsOn])).toEqual([
      ['add-subsets', 'DestinationRule', undefined],
      ['update-route', 'VirtualService', ['add-subsets']],
    ]);
    expect(plan.steps[0]!.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'add', path: '/spec/subsets/-', value: { name: 'v2', labels: { version: 'v2' } } },
    ]);
    const after = release(apply(objects, plan));
    expect(after.versions.find((v) => v.name === 'v2')).toMatchObject({
      declared: true,
      labels: { version: 'v2' },
    });
    expect(after.defaultRoute!.destinations.map((d) => d.weight)).toEqual([90, 10]);
  });

  it('removes a version: the route first, the subset AFTER, as separate steps', () => {
    const objects = cluster([
      { match: [{ headers: { x: { exact: '1' } } }], route: [dest('v2')] },
      { route: [dest('v1', 100), dest('v2', 0)] },
    ]);
    const r = release(objects);
    const plan = planRelease(r, removeVersion(r, 'v2'), objects);
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['update-route', undefined],
      ['remove-subsets', ['update-route']],
    ]);
    const after = apply(objects, plan);
    const rr = release(after);
    expect(rr.rules).toEqual([]);
    expect(rr.defaultRoute!.destinations.map((d) => d.version)).toEqual(['v1']);
    expect(rr.versions.map((v) => v.name)).toEqual(['v1', 'v3']);
  });

  it('refuses to remove a version that still receives traffic', () => {
    const objects = cluster([{ route: [dest('v1', 90), dest('v2', 10)] }]);
    expect(() => removeVersion(release(objects), 'v2')).toThrow(/still receives 10%/);
  });

  it('adds a content rule just before the catch-all route', () => {
    const objects = cluster([
      { match: [{ uri: { prefix: '/a' } }], route: [dest('v3')] },
      { route: [dest('v1')] },
    ]);
    const r = release(objects);
    const plan = planRelease(
      r,
      addContentRule(r, {
        matches: [{ headers: { 'x-canary': { exact: 'true' } } }],
        version: 'v2',
        name: 'canary',
      }),
      objects,
    );
    expect(plan.steps[0]!.patch.filter((o) => o.op !== 'test')).toEqual([
      {
        op: 'add',
        path: '/spec/http/1',
        value: {
          name: 'canary',
          match: [{ headers: { 'x-canary': { exact: 'true' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v2' } }],
        },
      },
    ]);
    const after = release(apply(objects, plan));
    expect(after.rules.map((x) => x.version)).toEqual(['v3', 'v2']);
  });

  it('refuses a rule to a version that does not exist', () => {
    const objects = cluster([{ route: [dest('v1')] }], ['v1']);
    expect(() =>
      addContentRule(release(objects), { matches: [{ headers: { a: { exact: 'b' } } }], version: 'v9' }),
    ).toThrow(/unknown version 'v9' \(known: v1\)/);
  });

  it('removes a content rule with a test of the removed route', () => {
    const rule = { match: [{ uri: { prefix: '/a' } }], route: [dest('v3')] };
    const objects = cluster([rule, { route: [dest('v1')] }]);
    const r = release(objects);
    const patch = planRelease(r, removeContentRule(r, 'http:0'), objects).steps[0]!.patch;
    expect(patch).toContainEqual({ op: 'test', path: '/spec/http/0', value: rule });
    expect(patch).toContainEqual({ op: 'remove', path: '/spec/http/0' });
  });

  it('disables a rule into the annotation and enables it back at the same place', () => {
    const objects = cluster([
      { name: 'a', match: [{ uri: { prefix: '/a' } }], route: [dest('v2')] },
      { name: 'b', match: [{ uri: { prefix: '/b' } }], route: [dest('v3')] },
      { route: [dest('v1')] },
    ]);
    const r = release(objects);
    const disabled = apply(objects, planRelease(r, setRuleEnabled(r, 'http:0', false), objects));
    const rd = release(disabled);
    expect(rd.rules.map((x) => x.name)).toEqual(['b']);
    expect(rd.disabledRules).toMatchObject([{ id: 'disabled:0', name: 'a', position: 0, version: 'v2' }]);
    const enabled = apply(disabled, planRelease(rd, setRuleEnabled(rd, 'disabled:0', true), disabled));
    expect(enabled[0]!.spec).toEqual(objects[0]!.spec);
    expect(enabled[0]!.metadata.annotations).toBeUndefined();
  });

  it('rejects splits that do not add up to 100 or use fractions, naming the field', () => {
    const objects = cluster([{ route: [dest('v1', 90), dest('v2', 10)] }]);
    const r = release(objects);
    let err: unknown;
    try {
      setSplit(r, shares({ v1: 80, v2: 10 }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReleaseEditError);
    expect((err as ReleaseEditError).message).toBe('weights add up to 90, not 100');
    expect((err as ReleaseEditError).field).toBe('spec.http[0]');
    expect(() => setSplit(r, shares({ v1: 99.5, v2: 0.5 }))).toThrow(/whole number/);
  });

  it('refuses a split that names one version twice, whichever weight would win', () => {
    const r = release(cluster([{ route: [dest('v1', 90), dest('v2', 10)] }]));
    expect(() =>
      setSplit(r, [
        { version: 'v1', weight: 50 },
        { version: 'v1', weight: 50 },
      ]),
    ).toThrow(/'v1' is named twice/);
  });

  it('refuses to plan for a read-only release', () => {
    const objects: KubeObject[] = [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'x' },
        spec: { hosts: ['x'], tcp: [{ route: [] }] },
      },
    ];
    expect(() => setSplit(readReleases(objects)[0]!, shares({ v1: 100 }))).toThrow(/read-only/);
  });

  it('plans an HTTPRoute weight change on backendRefs in lowest terms, and adds a sibling Service as backend', () => {
    const objects: KubeObject[] = [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          rules: [
            {
              backendRefs: [
                { name: 'web-v1', port: 80, weight: 3 },
                { name: 'web-v2', port: 80, weight: 1 },
              ],
            },
          ],
        },
      },
      ...['v1', 'v2', 'v3'].map((v) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `web-${v}`, namespace: 'default' },
        spec: { selector: { app: 'web', version: v } },
      })),
    ];
    const r = readReleases(objects)[0]!;
    const plan = planRelease(r, setSplit(r, shares({ 'web-v1': 50, 'web-v2': 40, 'web-v3': 10 })), objects);
    const [after] = apply(objects, plan);
    expect((after!.spec as { rules: Array<{ backendRefs: unknown }> }).rules[0]!.backendRefs).toEqual([
      { name: 'web-v1', port: 80, weight: 5 },
      { name: 'web-v2', port: 80, weight: 4 },
      { name: 'web-v3', port: 80, weight: 1 },
    ]);
    expect(() => setSplit(r, shares({ 'web-v9': 100 }))).toThrow(/unknown version 'web-v9'/);
  });

  describe("HTTPRoute weights are written in the operator's scale", () => {
    const route = (weights: Array<number | undefined>): KubeObject[] => [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
        spec: {
          rules: [
            {
              backendRefs: weights.map((w, i) => ({
                name: `web-v${i + 1}`,
                port: 80,
                ...(w !== undefined ? { weight: w } : {}),
              })),
            },
          ],
        },
      },
    ];
    const written = (objects: KubeObject[], split: Record<string, number>) => {
      const r = readReleases(objects)[0]!;
      const plan = planRelease(r, setSplit(r, shares(split)), objects);
      const [after] = apply(objects, plan);
      const refs = (after!.spec as { rules: Array<{ backendRefs: Array<{ weight?: number }> }> }).rules[0]!
        .backendRefs;
      return { plan, weights: refs.map((x) => x.weight) };
    };

    it('1:1 moved to 75/25 writes 3:1', () => {
      expect(written(route([1, 1]), { 'web-v1': 75, 'web-v2': 25 }).weights).toEqual([3, 1]);
    });

    it('omitted weights (1 each) moved to 75/25 write 3, and leave the omitted 1 as it is', () => {
      expect(written(route([undefined, undefined]), { 'web-v1': 75, 'web-v2': 25 }).weights).toEqual([
        3,
        undefined,
      ]);
    });

    it('9:1 moved to 80/20 keeps the total of 10: 8:2', () => {
      expect(written(route([9, 1]), { 'web-v1': 80, 'web-v2': 20 }).weights).toEqual([8, 2]);
    });

    it('90:10 moved to 100/0 writes 100:0', () => {
      expect(written(route([90, 10]), { 'web-v1': 100, 'web-v2': 0 }).weights).toEqual([100, 0]);
    });

    it('the split as it is shown writes nothing', () => {
      const { plan } = written(route([1, 1, 1]), { 'web-v1': 34, 'web-v2': 33, 'web-v3': 33 });
      expect(plan.steps.flatMap((s) => s.patch.filter((op) => op.op !== 'test'))).toEqual([]);
    });
  });
});
