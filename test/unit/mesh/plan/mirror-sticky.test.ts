import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { applyJsonPatch, ReleaseEditError, stickyCookieRegex } from '../../../../shared/mesh/model/index.ts';
import {
  addContentRule,
  applyPatchToYaml,
  clearMirror,
  clearSticky,
  desiredOf,
  planRelease,
  routeAllTrafficTo,
  setCatchAllTo,
  setMirror,
  setSplit,
  setSticky,
  summarizeChange,
} from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';
import { shares } from '../../../helpers/shares.ts';

const dest = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight !== undefined ? { weight } : {}),
});

function cluster(http: unknown[], subsets = ['v1', 'v2', 'v3']): KubeObject[] {
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default', resourceVersion: '100' },
      spec: { hosts: ['reviews'], http },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'default', resourceVersion: '7' },
      spec: { host: 'reviews', subsets: subsets.map((name) => ({ name, labels: { version: name } })) },
    },
  ];
}

function apply(objects: KubeObject[], plan: ReturnType<typeof planRelease>): KubeObject[] {
  let out = objects;
  for (const step of plan.steps) {
    out = out.map((o) =>
      o.kind === step.target.kind && o.metadata.name === step.target.name ? applyJsonPatch(o, step.patch) : o,
    );
  }
  return out;
}

const release = (objects: KubeObject[]) => readReleases(objects)[0]!;
const http = (objects: KubeObject[]) => (objects[0]!.spec as { http: Array<Record<string, unknown>> }).http;

function run(objects: KubeObject[], edit: (r: ReturnType<typeof release>) => ReturnType<typeof desiredOf>) {
  const r = release(objects);
  const plan = planRelease(r, edit(r), objects);
  return { plan, after: apply(objects, plan) };
}

describe('setMirror / clearMirror', () => {
  it('writes a new mirror as `mirrors` with a percentage, guarded, and keeps every other field', () => {
    const objects = cluster([
      { route: [dest('v1', 100), dest('v2', 0)], retries: { attempts: 3 }, timeout: '5s' },
    ]);
    const { plan, after } = run(objects, (r) => setMirror(r, { version: 'v2', percentage: 20 }));
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '100' },
      {
        op: 'add',
        path: '/spec/http/0/mirrors',
        value: [{ destination: { host: 'reviews', subset: 'v2' }, percentage: { value: 20 } }],
      },
    ]);
    expect(http(after)[0]).toMatchObject({ retries: { attempts: 3 }, timeout: '5s' });
    expect(release(after).mirrors).toEqual([
      { routeIndex: 0, host: 'reviews', subset: 'v2', version: 'v2', percentage: 20 },
    ]);
  });

  it('keeps the older `mirror` + `mirrorPercentage` form when the route uses it', () => {
    const objects = cluster([
      { route: [dest('v1', 100)], mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: { value: 5 } },
    ]);
    const { plan, after } = run(objects, (r) => setMirror(r, { version: 'v3', percentage: 12.5 }));
    expect(plan.steps[0]!.patch.filter((p) => p.op !== 'test')).toEqual([
      { op: 'replace', path: '/spec/http/0/mirror', value: { host: 'reviews', subset: 'v3' } },
      { op: 'replace', path: '/spec/http/0/mirrorPercentage/value', value: 12.5 },
    ]);
    expect(http(after)[0]!.mirrors).toBeUndefined();
    expect(release(after).mirrors[0]).toMatchObject({ version: 'v3', percentage: 12.5 });
  });

  it('changes only the percentage of an existing `mirrors` entry, and leaves mirrors to other hosts', () => {
    const objects = cluster([
      {
        route: [dest('v1', 100)],
        mirrors: [
          { destination: { host: 'audit.tools.svc.cluster.local' }, percentage: { value: 1 } },
          {
            destination: { host: 'reviews', subset: 'v2', port: { number: 9080 } },
            percentage: { value: 10 },
          },
        ],
      },
    ]);
    const { plan, after } = run(objects, (r) => setMirror(r, { version: 'v2', percentage: 30 }));
    expect(plan.steps[0]!.patch.filter((p) => p.op !== 'test')).toEqual([
      { op: 'replace', path: '/spec/http/0/mirrors/1/percentage/value', value: 30 },
    ]);
    const cleared = run(after, (r) => clearMirror(r)).after;
    expect(http(cleared)[0]!.mirrors).toEqual([
      { destination: { host: 'audit.tools.svc.cluster.local' }, percentage: { value: 1 } },
    ]);
  });

  it('clears the older form with its percentage, and plans nothing when nothing changes', () => {
    const objects = cluster([
      { route: [dest('v1', 100)], mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: { value: 5 } },
    ]);
    const { after } = run(objects, (r) => clearMirror(r));
    expect(http(after)[0]).toEqual({ route: [dest('v1', 100)] });
    expect(run(objects, (r) => setMirror(r, { version: 'v2', percentage: 5 })).plan.steps).toEqual([]);
  });

  it('refuses a bad percentage or an unknown version, naming the field', () => {
    const r = release(cluster([{ route: [dest('v1', 100)] }]));
    for (const percentage of [-1, 100.5, 12.34, Number.NaN]) {
      expect(() => setMirror(r, { version: 'v2', percentage })).toThrow(/at most one decimal/);
    }
    try {
      setMirror(r, { version: 'v9', percentage: 10 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ReleaseEditError);
      expect((err as ReleaseEditError).field).toBe('spec.http[0].mirrors');
    }
  });

  it('round-trips any valid percentage and version in either form (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('v2', 'v3'),
        fc.boolean(),
        (tenths, version, legacy) => {
          const percentage = tenths / 10;
          const route = legacy
            ? {
                route: [dest('v1', 100)],
                mirror: { host: 'reviews', subset: 'v2' },
                retries: { attempts: 2 },
              }
            : { route: [dest('v1', 100)], retries: { attempts: 2 } };
          const { after } = run(cluster([route]), (r) => setMirror(r, { version, percentage }));
          expect(release(after).mirrors).toHaveLength(1);
          expect(release(after).mirrors[0]).toMatchObject({ version, percentage });
          expect(http(after)[0]!.retries).toEqual({ attempts: 2 });
          expect(run(after, (r) => setMirror(r, { version, percentage })).plan.steps).toEqual([]);
          const cleared = run(after, (r) => clearMirror(r)).after;
          expect(http(cleared)[0]).toEqual({ route: [dest('v1', 100)], retries: { attempts: 2 } });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('setSticky / clearSticky', () => {
  const base = () =>
    cluster([
      { name: 'beta', match: [{ headers: { 'x-beta': { exact: '1' } } }], route: [dest('v2')] },
      {
        name: 'main',
        route: [dest('v1', 80), { ...dest('v2', 20), headers: { request: { set: { a: 'b' } } } }],
      },
    ]);

  it('adds a Set-Cookie per catch-all destination and one cookie rule per routed version before the catch-all', () => {
    const { after } = run(base(), (r) => setSticky(r, { maxAgeSeconds: 600 }));
    const routes = http(after);
    expect(routes.map((x) => x.name)).toEqual(['beta', 'sy-sticky-v1', 'sy-sticky-v2', 'main']);
    expect(routes[1]).toEqual({
      name: 'sy-sticky-v1',
      match: [{ headers: { cookie: { regex: stickyCookieRegex('sy-version', 'v1') } } }],
      route: [{ destination: { host: 'reviews', subset: 'v1' } }],
    });
    const main = routes[3]!.route as Array<Record<string, unknown>>;
    expect(main[0]!.headers).toEqual({
      response: { add: { 'set-cookie': 'sy-version=v1; Path=/; Max-Age=600' } },
    });
    expect(main[1]!.headers).toEqual({
      request: { set: { a: 'b' } },
      response: { add: { 'set-cookie': 'sy-version=v2; Path=/; Max-Age=600' } },
    });
    const r = release(after);
    expect(r.sticky).toEqual({ cookie: 'sy-version', maxAgeSeconds: 600, versions: ['v1', 'v2'] });
    expect(planRelease(r, desiredOf(r), after).steps).toEqual([]);
  });

  it('turns off cleanly: the route is as it was before', () => {
    const on = run(base(), (r) => setSticky(r)).after;
    const off = run(on, (r) => clearSticky(r)).after;
    expect(http(off)).toEqual(http(base()));
  });

  it('keeps a new operator rule ahead of the sticky rules', () => {
    const on = run(base(), (r) => setSticky(r)).after;
    const { after } = run(on, (r) =>
      addContentRule(r, { name: 'qa', matches: [{ headers: { 'x-qa': { exact: '1' } } }], version: 'v3' }),
    );
    expect(http(after).map((x) => x.name)).toEqual(['beta', 'qa', 'sy-sticky-v1', 'sy-sticky-v2', 'main']);
  });

  it('a rollback (v2 to 0%) removes the sticky rule for v2; raising v3 adds one', () => {
    const on = run(base(), (r) => setSticky(r)).after;
    const back = run(on, (r) => setSplit(r, shares({ v1: 100, v2: 0 }))).after;
    expect(http(back).map((x) => x.name)).toEqual(['beta', 'sy-sticky-v1', 'main']);
    const v3 = run(back, (r) => setSplit(r, shares({ v1: 90, v3: 10 }))).after;
    expect(http(v3).map((x) => x.name)).toEqual(['beta', 'sy-sticky-v1', 'sy-sticky-v3', 'main']);
    const added = (http(v3)[3]!.route as Array<Record<string, unknown>>)[2]!;
    expect(added).toMatchObject({ destination: { subset: 'v3' }, weight: 10 });
    expect(added.headers).toEqual({
      response: { add: { 'set-cookie': 'sy-version=v3; Path=/; Max-Age=86400' } },
    });
  });

  it('"all traffic to v1" removes the v2 sticky rule whatever is chosen for other rules', () => {
    const on = run(base(), (r) => setSticky(r)).after;
    for (const rules of ['keep', 'disable', 'retarget'] as const) {
      const edit = routeAllTrafficTo(release(on), 'v1', { rules });
      expect(edit.rules.map((x) => x.id)).toEqual(['http:0']);
      if (rules !== 'keep') expect(edit.drained).toContain('v2');
      const after = apply(on, planRelease(release(on), edit.desired, on));
      const names = http(after).map((x) => x.name);
      expect(names).not.toContain('sy-sticky-v2');
      expect(names).toContain('sy-sticky-v1');
      expect(JSON.stringify(after[0]!.metadata.annotations ?? {})).not.toContain('sy-sticky');
    }
    const plain = run(on, (r) => setCatchAllTo(r, 'v1')).after;
    expect(http(plain).map((x) => x.name)).toEqual(['beta', 'sy-sticky-v1', 'main']);
  });

  it('never overwrites a Set-Cookie a destination adds of its own', () => {
    const objects = cluster([
      { route: [{ ...dest('v1', 100), headers: { response: { add: { 'Set-Cookie': 'theirs=1' } } } }] },
    ]);
    const r = release(objects);
    expect(() => planRelease(r, setSticky(r), objects)).toThrow(/its own Set-Cookie/);
  });

  it('refuses bad cookie names and Max-Age values, and Gateway API routes', () => {
    const r = release(base());
    expect(() => setSticky(r, { cookie: 'a b' })).toThrow(/cookie name/);
    expect(() => setSticky(r, { maxAgeSeconds: 0 })).toThrow(/Max-Age/);
    expect(() => setSticky(r, { maxAgeSeconds: 1.5 })).toThrow(/Max-Age/);
    const gateway = readReleases([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: 'default' },
        spec: { rules: [{ backendRefs: [{ name: 'web-v1', port: 80 }] }] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-v1', namespace: 'default' }, spec: {} },
    ])[0]!;
    expect(() => setSticky(gateway)).toThrow(/needs a VirtualService/);
    expect(() => setMirror(gateway, { version: 'web-v1', percentage: 5 })).toThrow(/needs a VirtualService/);
  });

  it('any split with sticky on has exactly the routed versions pinned, and off restores the route (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (a, b) => {
        const w2 = Math.min(a, 100);
        const w3 = Math.min(b, 100 - w2);
        const split = shares({ v1: 100 - w2 - w3, v2: w2, v3: w3 });
        const on = run(base(), (r) => setSticky(r)).after;
        const moved = run(on, (r) => setSplit(r, split)).after;
        const pinned = http(moved)
          .map((x) => x.name as string | undefined)
          .filter((n) => n?.startsWith('sy-sticky-'))
          .map((n) => n!.slice('sy-sticky-'.length));
        expect(pinned.sort()).toEqual(split.filter((s) => s.weight > 0).map((s) => s.version));
        const off = run(moved, (r) => clearSticky(r)).after;
        expect(JSON.stringify(http(off))).not.toContain('sy-version');
        expect(http(off).map((x) => x.name)).toEqual(['beta', 'main']);
      }),
      { numRuns: 40 },
    );
  });
});

describe('mirror and sticky changes in words', () => {
  const summary = (before: KubeObject[], after: KubeObject[]) =>
    summarizeChange([
      {
        target: { kind: 'VirtualService', namespace: 'default', name: 'reviews' },
        before: before[0]!,
        after: after[0]!,
      },
    ]);

  it('names mirrors and sticky sessions, not the sticky rules', () => {
    const base = cluster([{ name: 'main', route: [dest('v1', 90), dest('v2', 10)] }]);
    const mirrored = run(base, (r) => setMirror(r, { version: 'v2', percentage: 20 })).after;
    expect(summary(base, mirrored)).toBe('mirror to v2 at 20%');
    expect(summary(mirrored, run(mirrored, (r) => clearMirror(r)).after)).toBe('stopped mirroring to v2');
    const sticky = run(base, (r) => setSticky(r)).after;
    expect(summary(base, sticky)).toBe('sticky sessions on (cookie sy-version)');
    const back = run(sticky, (r) => setSplit(r, shares({ v1: 100, v2: 0 }))).after;
    expect(summary(sticky, back)).toBe('v1 90% → 100% (switch all traffic); sticky rule for v2 removed');
    expect(summary(sticky, run(sticky, (r) => clearSticky(r)).after)).toBe('sticky sessions off');
  });
});

describe('sticky rules and releases that never turned sticky sessions on', () => {
  it('leaves a rule that merely has a sticky-looking name alone', () => {
    const objects = cluster([
      { name: 'sy-sticky-v2', match: [{ headers: { 'x-a': { exact: '1' } } }], route: [dest('v2')] },
      { name: 'main', route: [dest('v1', 90), dest('v2', 10)] },
    ]);
    const { after } = run(objects, (r) => setSplit(r, shares({ v1: 100, v2: 0 })));
    expect(http(after).map((x) => x.name)).toEqual(['sy-sticky-v2', 'main']);
  });
});

describe('mirror and sticky patches on YAML text', () => {
  it('apply to a commented VirtualService file and read back as planned, comments kept', () => {
    const text = [
      '# reviews routing',
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata:',
      '  name: reviews',
      '  namespace: default',
      'spec:',
      '  hosts:',
      '    - reviews',
      '  http:',
      '    - name: main # the catch-all',
      '      route:',
      '        - destination:',
      '            host: reviews',
      '            subset: v1',
      '          weight: 90',
      '        - destination:',
      '            host: reviews',
      '            subset: v2',
      '          weight: 10',
      '',
    ].join('\n');
    const objs = [parseDocument(text).toJS() as KubeObject, ...cluster([]).slice(1)];
    const r = release(objs);
    const plan = planRelease(r, setSticky(setMirror(r, { version: 'v2', percentage: 5 })), objs);
    const out = plan.steps.reduce((t, s) => applyPatchToYaml(t, 0, s.patch), text);
    expect(out).toContain('# the catch-all');
    const back = release([parseDocument(out).toJS() as KubeObject, ...objs.slice(1)]);
    expect(back.mirrors[0]).toMatchObject({ version: 'v2', percentage: 5 });
    expect(back.sticky?.versions).toEqual(['v1', 'v2']);
    expect(back.rules.map((x) => x.name)).toEqual(['sy-sticky-v1', 'sy-sticky-v2']);
  });
});

describe('the plan explains mirror and sticky changes', () => {
  it('in the route step description', () => {
    const base = cluster([{ name: 'main', route: [dest('v1', 90), dest('v2', 10)] }]);
    const m = run(base, (r) => setMirror(r, { version: 'v2', percentage: 20 })).plan;
    expect(m.steps[0]!.description).toMatch(
      /mirror 20% of the catch-all's requests to v2 \(copies; their answers are discarded\)$/,
    );
    const s = run(base, (r) => setSticky(r, { maxAgeSeconds: 600 }));
    expect(s.plan.steps[0]!.description).toMatch(
      /sticky sessions: the first answer sets sy-version=<version> \(Max-Age 600s\) and a rule per version sends returning users back to it$/,
    );
    const back = run(s.after, (r) => setSplit(r, shares({ v1: 100, v2: 0 }))).plan;
    expect(back.steps[0]!.description).toMatch(
      /sticky rule for v2 removed \(v2 gets no catch-all traffic\)$/,
    );
  });
});
