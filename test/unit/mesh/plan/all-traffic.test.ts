import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import type { MeshRequest } from '../../../../shared/mesh/evaluate/index.ts';
import { compileVirtualService } from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject, VirtualService } from '../../../../shared/mesh/model/index.ts';
import {
  applyJsonPatch,
  DISABLED_RULES_ANNOTATION,
  ReleaseEditError,
} from '../../../../shared/mesh/model/index.ts';
import type { OtherRulesChoice } from '../../../../shared/mesh/plan/index.ts';
import {
  desiredOf,
  planRelease,
  routeAllTrafficTo,
  setRuleEnabled,
} from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

const engine = re2Engine();
const dest = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight !== undefined ? { weight } : {}),
});

function cluster(http: unknown[], subsets = ['v1', 'v2', 'v3'], annotations?: Record<string, string>) {
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'reviews',
        namespace: 'bookinfo',
        resourceVersion: '100',
        ...(annotations ? { annotations } : {}),
      },
      spec: { hosts: ['reviews'], http },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'bookinfo', resourceVersion: '7' },
      spec: { host: 'reviews', subsets: subsets.map((name) => ({ name, labels: { version: name } })) },
    },
  ] as KubeObject[];
}

/** The demo's reviews route: jason → v2, x-canary → v3, the rest 80/10/10 with a timeout and retries. */
const reviews = () =>
  cluster([
    {
      name: 'jason-on-v2',
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      route: [dest('v2')],
      timeout: '5s',
    },
    { name: 'canary-header', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [dest('v3')] },
    {
      name: 'default',
      route: [dest('v1', 80), dest('v2', 10), dest('v3', 10)],
      timeout: '10s',
      retries: { attempts: 3 },
    },
  ]);

function applyPlan(objects: KubeObject[], plan: ReturnType<typeof planRelease>): KubeObject[] {
  let out = objects;
  for (const step of plan.steps)
    out = out.map((o) =>
      o.kind === step.target.kind && o.metadata.name === step.target.name ? applyJsonPatch(o, step.patch) : o,
    );
  return out;
}

function allTraffic(objects: KubeObject[], version: string, rules: OtherRulesChoice) {
  const release = readReleases(objects)[0]!;
  const edit = routeAllTrafficTo(release, version, { rules });
  return { edit, after: applyPlan(objects, planRelease(release, edit.desired, objects)) };
}

/** The versions a set of requests reaches through the VirtualService, over the whole random range. */
function reached(objects: KubeObject[], requests: MeshRequest[]): Set<string> {
  const router = compileVirtualService(objects[0] as unknown as VirtualService, { engine });
  const out = new Set<string>();
  for (const r of requests)
    for (const random of [0, 0.05, 0.5, 0.85, 0.95, 0.999]) {
      const o = router.route(r, random);
      out.add(o.kind === 'route' ? o.version : o.kind);
    }
  return out;
}

const sample: MeshRequest[] = [
  {},
  { headers: { 'end-user': 'jason' } },
  { headers: { 'x-canary': 'always' } },
  { headers: { 'end-user': 'jason', 'x-canary': 'always' } },
];

describe('routeAllTrafficTo', () => {
  it('disables the rules that route elsewhere: no request reaches another version, and they are kept', () => {
    const { edit, after } = allTraffic(reviews(), 'v1', 'disable');
    expect(edit.rules).toEqual([
      { id: 'http:0', name: 'jason-on-v2', from: 'v2', outcome: 'disabled' },
      { id: 'http:1', name: 'canary-header', from: 'v3', outcome: 'disabled' },
    ]);
    expect(edit.drained.sort()).toEqual(['v2', 'v3']);
    expect(reached(after, sample)).toEqual(new Set(['v1']));
    const vs = after[0]!;
    const stored = JSON.parse(vs.metadata.annotations![DISABLED_RULES_ANNOTATION]!) as unknown[];
    expect(stored).toHaveLength(2);
    expect((vs.spec as { http: unknown[] }).http).toEqual([
      {
        name: 'default',
        route: [dest('v1', 100), dest('v2', 0), dest('v3', 0)],
        timeout: '10s',
        retries: { attempts: 3 },
      },
    ]);
  });

  it('retargets the rules in place: names, matches, order and other fields stay, the subset changes', () => {
    const { edit, after } = allTraffic(reviews(), 'v1', 'retarget');
    expect(edit.rules.map((r) => r.outcome)).toEqual(['retargeted', 'retargeted']);
    expect(reached(after, sample)).toEqual(new Set(['v1']));
    const http = (after[0]!.spec as { http: Array<Record<string, unknown>> }).http;
    expect(http[0]).toEqual({
      name: 'jason-on-v2',
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      route: [dest('v1')],
      timeout: '5s',
    });
    expect(http[1]!.name).toBe('canary-header');
    expect(after[0]!.metadata.annotations).toBeUndefined();
  });

  it('keeps the rules when asked, and says so: their requests still reach v2 and v3', () => {
    const { edit, after } = allTraffic(reviews(), 'v1', 'keep');
    expect(edit.rules.map((r) => r.outcome)).toEqual(['kept', 'kept']);
    expect(edit.drained).toEqual([]);
    expect(reached(after, [{ headers: { 'end-user': 'jason' } }])).toEqual(new Set(['v2']));
    expect(reached(after, [{}])).toEqual(new Set(['v1']));
  });

  it('leaves rules that already route to the version as they are', () => {
    const { edit, after } = allTraffic(reviews(), 'v3', 'disable');
    expect(edit.rules.map((r) => [r.name, r.outcome])).toEqual([
      ['jason-on-v2', 'disabled'],
      ['canary-header', 'unchanged'],
    ]);
    expect(reached(after, sample)).toEqual(new Set(['v3']));
  });

  it('re-enabling the disabled rules afterwards gives back the route as it was', () => {
    const objects = reviews();
    const { after } = allTraffic(objects, 'v1', 'disable');
    const r = readReleases(after)[0]!;
    let d = desiredOf(r);
    for (const x of r.disabledRules) d = setRuleEnabled(d, x.id, true);
    d = {
      ...d,
      split: [
        { version: 'v1', weight: 80 },
        { version: 'v2', weight: 10 },
        { version: 'v3', weight: 10 },
      ],
    };
    const back = applyPlan(after, planRelease(r, d, after));
    expect(back[0]!.spec).toEqual(objects[0]!.spec);
    expect(back[0]!.metadata.annotations).toBeUndefined();
  });

  it('names mirrors to other versions, which it leaves alone', () => {
    const objects = reviews();
    const http = (objects[0]!.spec as { http: Array<Record<string, unknown>> }).http;
    http[2]!.mirror = { host: 'reviews', subset: 'v3' };
    http[2]!.mirrorPercentage = { value: 5 };
    const { edit, after } = allTraffic(objects, 'v1', 'disable');
    expect(edit.mirrors).toEqual([{ version: 'v3', percentage: 5 }]);
    expect((after[0]!.spec as { http: Array<Record<string, unknown>> }).http[0]!.mirror).toEqual({
      host: 'reviews',
      subset: 'v3',
    });
  });

  it('on a Gateway API HTTPRoute retargets the rule’s backendRef (port and weight kept) and cannot disable', () => {
    const objects = [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'checkout', namespace: 'shop', resourceVersion: '3' },
        spec: {
          hostnames: ['checkout.example.com'],
          rules: [
            {
              matches: [{ headers: [{ name: 'x-canary', value: 'true' }] }],
              backendRefs: [{ name: 'checkout-v2', port: 8080, weight: 1 }],
              timeouts: { request: '5s' },
            },
            {
              backendRefs: [
                { name: 'checkout-v1', port: 8080, weight: 90 },
                { name: 'checkout-v2', port: 8080, weight: 10 },
              ],
            },
          ],
        },
      },
    ] as KubeObject[];
    const r = readReleases(objects)[0]!;
    expect(() => routeAllTrafficTo(r, 'checkout-v1', { rules: 'disable' })).toThrow(/VirtualServices only/);
    const { after } = allTraffic(objects, 'checkout-v1', 'retarget');
    const rules = (after[0]!.spec as { rules: Array<Record<string, unknown>> }).rules;
    expect(rules[0]).toEqual({
      matches: [{ headers: [{ name: 'x-canary', value: 'true' }] }],
      backendRefs: [{ name: 'checkout-v1', port: 8080, weight: 1 }],
      timeouts: { request: '5s' },
    });
    expect(readReleases(after)[0]!.rules.map((x) => x.version)).toEqual(['checkout-v1']);
  });

  it('refuses an unknown version and an unknown choice with a clear error, changing nothing', () => {
    const r = readReleases(reviews())[0]!;
    expect(() => routeAllTrafficTo(r, 'v9', { rules: 'disable' })).toThrow(/unknown version 'v9'/);
    expect(() => routeAllTrafficTo(r, 'v1', { rules: 'drop' as OtherRulesChoice })).toThrow(ReleaseEditError);
    expect(r.rules).toHaveLength(2);
  });
});

// Random routes: up to four versions, up to five header rules each routing to any version, a split.
const versions = ['v1', 'v2', 'v3', 'v4'];
const routeArb = fc
  .record({
    rules: fc.array(
      fc.record({
        header: fc.constantFrom('x-a', 'x-b', 'end-user'),
        value: fc.constantFrom('1', '2', 'jason'),
        version: fc.constantFrom(...versions),
        named: fc.boolean(),
      }),
      { maxLength: 5 },
    ),
    weights: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 4, maxLength: 4 }),
    target: fc.constantFrom(...versions),
    choice: fc.constantFrom<OtherRulesChoice>('disable', 'retarget', 'keep'),
    annotated: fc.boolean(),
  })
  .filter((x) => x.weights.some((w) => w > 0));

type RandomRoute = typeof routeArb extends fc.Arbitrary<infer T> ? T : never;

function build(x: RandomRoute) {
  const total = x.weights.reduce((a, b) => a + b, 0);
  const pct = x.weights.map((w) => Math.floor((100 * w) / total));
  pct[pct.findIndex((_p, i) => x.weights[i]! > 0)]! += 100 - pct.reduce((a, b) => a + b, 0);
  return cluster(
    [
      ...x.rules.map((r, i) => ({
        ...(r.named ? { name: `rule-${i}` } : {}),
        match: [{ headers: { [r.header]: { exact: r.value } } }],
        route: [dest(r.version)],
      })),
      { name: 'default', route: versions.map((v, i) => dest(v, pct[i])) },
    ],
    versions,
    x.annotated ? { owner: 'team' } : undefined,
  );
}

const requests: MeshRequest[] = [{}];
for (const h of ['x-a', 'x-b', 'end-user'])
  for (const v of ['1', '2', 'jason']) requests.push({ headers: { [h]: v } });

describe('routeAllTrafficTo, over random routes', () => {
  it('after it no request reaches another version, unless the operator keeps the rules', () => {
    fc.assert(
      fc.property(routeArb, (x) => {
        const objects = build(x);
        const { edit, after } = allTraffic(objects, x.target, x.choice);
        const got = reached(after, requests);
        if (x.choice !== 'keep') expect(got).toEqual(new Set([x.target]));
        else {
          // Kept rules still route where they did; everything else goes to the target.
          const kept = new Set(edit.rules.filter((r) => r.outcome === 'kept').map((r) => r.from));
          for (const v of got) expect(v === x.target || kept.has(v)).toBe(true);
        }
        // Every enabled rule is listed once, in order, with its outcome.
        expect(edit.rules.map((r) => r.id)).toEqual(x.rules.map((_, i) => `http:${i}`));
      }),
      { numRuns: 150 },
    );
  });

  it('the route keeps its rules (disabled ones in the annotation), names and other fields', () => {
    fc.assert(
      fc.property(routeArb, (x) => {
        const objects = build(x);
        const { after } = allTraffic(objects, x.target, x.choice);
        const r = readReleases(after)[0]!;
        const names = (o: Array<{ name?: string }>) => o.map((y) => y.name ?? '');
        expect(r.rules.length + r.disabledRules.length).toBe(x.rules.length);
        expect(names([...r.rules, ...r.disabledRules]).sort()).toEqual(
          names(x.rules.map((y, i) => (y.named ? { name: `rule-${i}` } : {}))).sort(),
        );
        if (x.annotated) expect(after[0]!.metadata.annotations?.owner).toBe('team');
      }),
      { numRuns: 100 },
    );
  });
});
