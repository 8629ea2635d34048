// A new content rule gets a name and the catch-all route's per-route settings unless the operator
// gives its own: moving requests to a rule changes which version answers, not how they are served.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../../shared/mesh/model/index.ts';
import { addContentRule, defaultRuleName, planRelease } from '../../../../shared/mesh/plan/index.ts';
import { compileRule } from '../../../../shared/mesh/policy/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

const dest = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight !== undefined ? { weight } : {}),
});

const catchAll = {
  route: [dest('v1', 100), dest('canary', 0)],
  timeout: '10s',
  retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' },
  corsPolicy: { allowOrigins: [{ exact: 'https://shop.example' }] },
  headers: { request: { set: { 'x-served-by': 'mesh' } } },
  rewrite: { uri: '/' },
  fault: { delay: { percentage: { value: 5 }, fixedDelay: '1s' } },
  mirror: { host: 'reviews-shadow' },
};

function cluster(http: unknown[]): KubeObject[] {
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
      spec: {
        host: 'reviews',
        subsets: ['v1', 'canary'].map((name) => ({ name, labels: { version: name } })),
      },
    },
  ];
}

const xCanary = compileRule([{ kind: 'header', name: 'x-canary', op: 'exact', value: '1' }]);

/** The http list after the plan's patch. */
function httpAfter(
  objects: KubeObject[],
  plan: ReturnType<typeof planRelease>,
): Array<Record<string, unknown>> {
  const step = plan.steps.find((s) => s.target.kind === 'VirtualService')!;
  const vs = applyJsonPatch(objects[0]!, step.patch);
  return (vs.spec as { http: Array<Record<string, unknown>> }).http;
}

describe('new content rules', () => {
  it('are named from their version and condition, and inherit timeout, retries, CORS, headers and rewrite', () => {
    const objects = cluster([catchAll]);
    const r = readReleases(objects)[0]!;
    const plan = planRelease(r, addContentRule(r, { matches: xCanary, version: 'canary' }), objects);
    const [rule, rest] = httpAfter(objects, plan);
    expect(rule).toEqual({
      name: 'canary-header-x-canary',
      match: xCanary,
      route: [{ destination: { host: 'reviews', subset: 'canary' } }],
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' },
      corsPolicy: { allowOrigins: [{ exact: 'https://shop.example' }] },
      headers: { request: { set: { 'x-served-by': 'mesh' } } },
      rewrite: { uri: '/' },
    });
    // Fault injection and mirrors stay with the catch-all they were set up for.
    expect(rule).not.toHaveProperty('fault');
    expect(rule).not.toHaveProperty('mirror');
    expect(rest).toEqual(catchAll);
  });

  it('take the operator’s own timeout and retries, and null as none', () => {
    const objects = cluster([catchAll]);
    const r = readReleases(objects)[0]!;
    const desired = addContentRule(r, {
      matches: xCanary,
      version: 'canary',
      name: 'beta-testers',
      settings: { timeout: '2s', retries: null },
    });
    const [rule] = httpAfter(objects, planRelease(r, desired, objects));
    expect(rule!.name).toBe('beta-testers');
    expect(rule!.timeout).toBe('2s');
    expect(rule).not.toHaveProperty('retries');
    expect(rule!.corsPolicy).toEqual(catchAll.corsPolicy);
  });

  it('inherit nothing the catch-all does not have', () => {
    const objects = cluster([{ route: [dest('v1', 100), dest('canary', 0)] }]);
    const r = readReleases(objects)[0]!;
    const [rule] = httpAfter(
      objects,
      planRelease(r, addContentRule(r, { matches: xCanary, version: 'canary' }), objects),
    );
    expect(Object.keys(rule!)).toEqual(['name', 'match', 'route']);
  });

  it('get a name unique within the route', () => {
    const objects = cluster([
      { name: 'canary-header-x-canary', match: xCanary, route: [dest('canary')] },
      { route: [dest('v1', 100), dest('canary', 0)] },
    ]);
    const r = readReleases(objects)[0]!;
    const once = addContentRule(r, { matches: xCanary, version: 'canary' });
    const twice = addContentRule(once, { matches: xCanary, version: 'canary' });
    const names = httpAfter(objects, planRelease(r, twice, objects)).map((h) => h.name);
    expect(names).toEqual([
      'canary-header-x-canary',
      'canary-header-x-canary-2',
      'canary-header-x-canary-3',
      undefined,
    ]);
  });

  it('name presets and several conditions in words, within 63 characters', () => {
    const none = new Set<string>();
    const iosSafari = compileRule([
      { kind: 'os', os: 'ios' },
      { kind: 'browser', browser: 'safari' },
    ]);
    expect(defaultRuleName('v2', iosSafari, none)).toBe('v2-os-ios-browser-safari');
    const beta = compileRule([{ kind: 'cookie', name: 'Beta_Group', op: 'exact', value: '1' }]);
    expect(defaultRuleName('v2', beta, none)).toBe('v2-cookie-beta-group');
    expect(defaultRuleName('v2', [{ uri: { prefix: '/api' } }], none)).toBe('v2-path-api');
    expect(defaultRuleName('v2', [{ scheme: { exact: 'https' } }], none)).toBe('v2-rule');
    const long = compileRule([{ kind: 'header', name: `x-${'a'.repeat(80)}`, op: 'present' }]);
    expect(defaultRuleName('v2', long, none).length).toBeLessThanOrEqual(63);
  });

  it('on Gateway API keep a name only when given, and inherit timeouts, retry and the same kinds of filters', () => {
    const objects: KubeObject[] = [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          rules: [
            {
              backendRefs: [
                { name: 'web-v1', port: 80, weight: 100 },
                { name: 'web-v2', port: 80, weight: 0 },
              ],
              timeouts: { request: '10s' },
              filters: [
                {
                  type: 'RequestHeaderModifier',
                  requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }] },
                },
                { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 80 } } },
              ],
            },
          ],
        },
      },
      ...['v1', 'v2'].map((v) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `web-${v}`, namespace: 'default' },
        spec: { selector: { app: 'web', version: v } },
      })),
    ];
    const r = readReleases(objects)[0]!;
    const plan = planRelease(
      r,
      addContentRule(r, { matches: [{ headers: { 'x-canary': { exact: '1' } } }], version: 'web-v2' }),
      objects,
    );
    const route = applyJsonPatch(objects[0]!, plan.steps[0]!.patch);
    const [rule] = (route.spec as { rules: Array<Record<string, unknown>> }).rules;
    expect(rule).not.toHaveProperty('name');
    expect(rule!.timeouts).toEqual({ request: '10s' });
    expect(rule!.filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }] } },
    ]);
  });
});
