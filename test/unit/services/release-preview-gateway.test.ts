import { describe, expect, it } from 'vitest';
import { previewRelease } from '../../../main/core/services/release-preview.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import type { DesiredReleaseInput } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { MeshRequest } from '../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readGatewayApiReleases } from '../../../shared/mesh/read/index.ts';

// The live preview of a Gateway API release: read a fixture HTTPRoute the way the console does,
// plan the desired change and route a sample through the resulting HTTPRoute. No cluster needed.

const engine = re2Engine();

const service = (name: string, version: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { app: 'reviews', version }, ports: [{ port: 9080 }] },
});

const httpRoute: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '7' },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
    rules: [
      {
        name: 'beta',
        matches: [{ headers: [{ name: 'x-beta', value: '1' }] }],
        backendRefs: [{ name: 'reviews-v2', port: 9080 }],
      },
      {
        backendRefs: [
          { name: 'reviews-v1', port: 9080, weight: 90 },
          { name: 'reviews-v2', port: 9080, weight: 10 },
        ],
      },
    ],
  },
};

const objects = [httpRoute, service('reviews-v1', 'v1'), service('reviews-v2', 'v2')];

function sample(): MeshRequest[] {
  const out: MeshRequest[] = [];
  for (let i = 0; i < 100; i++) out.push({ path: '/reviews/1' });
  for (let i = 0; i < 20; i++) out.push({ path: '/reviews/1', headers: { 'x-beta': '1' } });
  for (let i = 0; i < 10; i++) out.push({ path: '/reviews/1', headers: { 'x-beta': '1', 'x-team': 'qa' } });
  return out;
}

function preview(input: DesiredReleaseInput, objs: readonly KubeObject[] = objects) {
  const release = readGatewayApiReleases(objs).find((r) => r.id === 'gateway-api:shop/reviews');
  if (!release) throw new Error('fixture HTTPRoute not read');
  return previewRelease({ release, input, objects: objs, engine, requests: sample(), source: 'jsonl' });
}

const beta = { id: 'rule:0', name: 'beta', version: 'reviews-v2', enabled: true };
const split90 = [
  { version: 'reviews-v1', weight: 90 },
  { version: 'reviews-v2', weight: 10 },
];

describe('previewRelease on a Gateway API release', () => {
  it('reads the fixture as an editable gateway-api release', () => {
    const [release] = readGatewayApiReleases(objects);
    expect(release).toMatchObject({ flavor: 'gateway-api', editable: true });
    expect(release!.rules.map((r) => r.index)).toEqual([0]);
  });

  it('routes the current route: the header rule catches its requests, the rest follow the split', () => {
    const view = preview({ split: split90, rules: [beta] });
    expect(view.total).toBe(130);
    expect(view.rules).toEqual([{ position: 0, count: 30, share: 30 / 130 }]);
    expect(view.unmatched.count).toBe(100);
    const v1 = view.versions.find((v) => v.version === 'reviews-v1')!.count;
    const v2 = view.versions.find((v) => v.version === 'reviews-v2')!.count;
    // Expected values, not a random draw: 90% and 10% of the 100 the split gets, plus the rule's 30.
    expect(v1).toBe(90);
    expect(v2).toBe(40);
    expect(view.other).toEqual([]);
  });

  it('previews the desired split, not the current one', () => {
    const view = preview({
      split: [
        { version: 'reviews-v1', weight: 0 },
        { version: 'reviews-v2', weight: 100 },
      ],
      rules: [beta],
    });
    expect(view.versions).toEqual([
      { version: 'reviews-v2', count: 130, share: 1, viaRules: 30 / 130, viaCatchAll: 100 / 130 },
    ]);
  });

  it('maps rules to input positions by rule, though the more specific rule wins over rule order', () => {
    const team = {
      name: 'qa',
      version: 'reviews-v1',
      enabled: true,
      conditions: [
        [
          { kind: 'header' as const, name: 'x-beta', op: 'exact' as const, value: '1' },
          { kind: 'header' as const, name: 'x-team', op: 'exact' as const, value: 'qa' },
        ],
      ],
    };
    const view = preview({ split: split90, rules: [beta, team] });
    // Istio would give all 30 x-beta requests to the first rule; Gateway API prefers two header matches.
    expect(view.rules).toEqual([
      { position: 0, count: 20, share: 20 / 130 },
      { position: 1, count: 10, share: 10 / 130 },
    ]);
    expect(view.unmatched.count).toBe(100);
  });

  it('puts a new rule listed first at position 0 and a disabled rule catches nothing', () => {
    const mobile = {
      name: 'team',
      version: 'reviews-v1',
      enabled: true,
      conditions: [[{ kind: 'header' as const, name: 'x-team', op: 'exact' as const, value: 'qa' }]],
    };
    const view = preview({ split: split90, rules: [mobile, { ...beta, enabled: false }] });
    expect(view.rules).toEqual([
      { position: 0, count: 10, share: 10 / 130 },
      { position: 1, count: 0, share: 0 },
    ]);
    expect(view.unmatched.count).toBe(120);
  });

  it('counts requests to a backend Service that does not exist as a 500 outcome', () => {
    const view = preview({ split: split90, rules: [beta] }, [httpRoute, service('reviews-v1', 'v1')]);
    const errors = view.other.find(
      (o) => o.outcome === 'direct response 500 (Service shop/reviews-v2 not found)',
    );
    expect(errors?.count).toBeGreaterThanOrEqual(30);
    expect(view.versions.map((v) => v.version)).toEqual(['reviews-v1']);
  });

  it('refuses with an ApiFailure naming the HTTPRoute when it is gone', () => {
    const [release] = readGatewayApiReleases(objects);
    const run = () =>
      previewRelease({
        release: release!,
        input: { split: split90, rules: [beta] },
        objects: objects.slice(1),
        engine,
        requests: sample(),
        source: 'demo',
      });
    expect(run).toThrow(ApiFailure);
    expect(run).toThrow(/HTTPRoute shop\/reviews (is gone|is not among the objects)/);
  });
});
