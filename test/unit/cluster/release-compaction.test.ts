import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactArrays, compactRelease } from '../../../main/core/cluster/release-compaction.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const meta = (name: string, uid: string, labels?: Record<string, string>) => ({
  name,
  namespace: 'shop',
  uid,
  resourceVersion: `${uid}-7`,
  ...(labels ? { labels } : {}),
});

/** A VirtualService splitting `name` over subsets v1/v2 of a DestinationRule, a Service, two Deployments. */
function mesh(name: string, weights: number[]): KubeObject[] {
  const versions = weights.map((_, i) => `v${i + 1}`);
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta(name, `vs-${name}`),
      spec: {
        hosts: [name],
        http: [
          {
            route: versions.map((v, i) => ({ destination: { host: name, subset: v }, weight: weights[i] })),
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: meta(name, `dr-${name}`),
      spec: { host: name, subsets: versions.map((v) => ({ name: v, labels: { version: v } })) },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, `svc-${name}`),
      spec: { selector: { app: name } },
    },
    ...versions.map(
      (v): KubeObject => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(`${name}-${v}`, `dep-${name}-${v}`),
        spec: { replicas: 1, template: { metadata: { labels: { app: name, version: v } } } },
      }),
    ),
  ];
}

describe('compactArrays', () => {
  it('leaves any JSON value equal to what it was', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = structuredClone(value);
        expect(compactArrays(copy)).toStrictEqual(value);
      }),
    );
  });

  it('keeps an array reached twice one array', () => {
    const shared = [1, 2];
    const value = { a: shared, b: { c: shared }, d: [shared] };
    const out = compactArrays(value);
    expect(out.a).toBe(out.b.c);
    expect(out.d[0]).toBe(out.a);
    expect(out.a).toEqual([1, 2]);
  });

  it('leaves frozen arrays and objects as they are', () => {
    const frozen = Object.freeze([Object.freeze({ x: [1] })]);
    const value = { frozen };
    expect(compactArrays(value).frozen).toBe(frozen);
  });
});

describe('compactRelease', () => {
  it('gives the release readReleases gave, for any split over any number of versions', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 }), (weights) => {
        const [release] = readReleases(mesh('reviews', weights));
        if (!release) throw new Error('no release');
        const before = structuredClone(release);
        const after = compactRelease(release);
        expect(after).toStrictEqual(before);
        expect(JSON.stringify(after)).toBe(JSON.stringify(before));
      }),
    );
  });

  it("makes each version's source the equal entry of the release's sources", () => {
    const [release] = readReleases(mesh('reviews', [90, 10]));
    if (!release) throw new Error('no release');
    const dr = release.sources.find((s) => s.kind === 'DestinationRule');
    expect(release.versions[0]?.source).toEqual(dr);
    expect(release.versions[0]?.source).not.toBe(dr);
    const after = compactRelease(release);
    for (const v of after.versions) expect(v.source).toBe(dr);
    expect(after.route).toBe(after.sources[0]);
  });

  it('keeps a source that differs from every entry of sources its own', () => {
    const [release] = readReleases(mesh('reviews', [100]));
    if (!release?.versions[0]) throw new Error('no release');
    const own = { ...release.versions[0].source, resourceVersion: 'other' } as NonNullable<
      (typeof release.versions)[0]['source']
    >;
    release.versions[0].source = own;
    expect(compactRelease(release).versions[0]?.source).toBe(own);
  });
});
