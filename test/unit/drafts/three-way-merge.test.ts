import { describe, expect, it } from 'vitest';
import { mergeObjects, mergeThreeWay } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone } from '../../../shared/mesh/model/index.ts';

interface Http {
  name: string;
  timeout?: string;
  retries?: { attempts: number; perTryTimeout: string };
  route: Array<{ destination: { subset: string }; weight?: number }>;
}
interface Route {
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string> };
  spec: { http: Http[] };
}

function route(): Route {
  return {
    metadata: { name: 'reviews', resourceVersion: '10' },
    spec: {
      http: [
        { name: 'testers', route: [{ destination: { subset: 'v2' } }] },
        {
          name: 'default',
          timeout: '10s',
          retries: { attempts: 3, perTryTimeout: '2s' },
          route: [
            { destination: { subset: 'v1' }, weight: 90 },
            { destination: { subset: 'v2' }, weight: 10 },
          ],
        },
      ],
    },
  };
}

describe('three-way merge of JSON documents', () => {
  it('merges a live change in a field the draft did not touch, keeping both changes', () => {
    const base = route();
    const ours = deepClone(base);
    ours.spec.http[1]!.route[0]!.weight = 70;
    ours.spec.http[1]!.route[1]!.weight = 30;
    const theirs = deepClone(base);
    theirs.spec.http[1]!.retries!.perTryTimeout = '3s';
    theirs.metadata.resourceVersion = '11';
    const r = mergeThreeWay(base, ours, theirs);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const expected = deepClone(theirs);
    expected.spec.http[1]!.route[0]!.weight = 70;
    expected.spec.http[1]!.route[1]!.weight = 30;
    expect(r.merged).toEqual(expected);
    // The rebased patch checks the live values it replaces and applies cleanly to live.
    expect(r.patch).toContainEqual({ op: 'test', path: '/spec/http/1/route/0/weight', value: 90 });
    expect(applyJsonPatch(theirs, r.patch)).toEqual(expected);
  });

  it('stops on a live change in a field the draft also changed, showing base, ours and theirs', () => {
    const base = route();
    const ours = deepClone(base);
    ours.spec.http[1]!.route[0]!.weight = 70;
    ours.spec.http[1]!.route[1]!.weight = 30;
    const theirs = deepClone(base);
    theirs.spec.http[1]!.route[0]!.weight = 50;
    theirs.spec.http[1]!.route[1]!.weight = 50;
    const r = mergeThreeWay(base, ours, theirs);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.conflicts).toEqual([
      { path: '/spec/http/1/route/0/weight', base: 90, ours: 70, theirs: 50 },
      { path: '/spec/http/1/route/1/weight', base: 10, ours: 30, theirs: 50 },
    ]);
  });

  it('treats a change to a parent of a changed path as overlapping', () => {
    const base = route();
    const ours = deepClone(base);
    ours.spec.http[1]!.retries!.perTryTimeout = '1s';
    const theirs = deepClone(base);
    delete theirs.spec.http[1]!.retries;
    const r = mergeThreeWay(base, ours, theirs);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.conflicts).toEqual([
      {
        path: '/spec/http/1/retries',
        base: { attempts: 3, perTryTimeout: '2s' },
        ours: { attempts: 3, perTryTimeout: '1s' },
        theirs: undefined,
      },
    ]);
  });

  it('accepts the same change made on both sides without a conflict or a duplicate', () => {
    const base = route();
    const ours = deepClone(base);
    ours.spec.http.push({ name: 'extra', route: [{ destination: { subset: 'v1' } }] });
    ours.spec.http[1]!.timeout = '5s';
    const theirs = deepClone(ours);
    const r = mergeThreeWay(base, ours, theirs);
    expect(r).toMatchObject({ ok: true, merged: ours });
  });

  it('claims a whole array when the draft changes its length, so an index shift cannot graft fields', () => {
    const base = route();
    const ours = deepClone(base);
    ours.spec.http.unshift({ name: 'new-rule', route: [{ destination: { subset: 'v2' } }] });
    const theirs = deepClone(base);
    theirs.spec.http[1]!.timeout = '20s';
    const r = mergeThreeWay(base, ours, theirs);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.conflicts.map((c) => c.path)).toEqual(['/spec/http']);
  });

  it('merges an appended element with a live change outside the array', () => {
    const base = route();
    const ours = deepClone(base);
    ours.spec.http.push({ name: 'last', route: [{ destination: { subset: 'v1' } }] });
    const theirs = deepClone(base);
    theirs.metadata.labels = { team: 'shop' };
    const r = mergeThreeWay(base, ours, theirs);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.merged).toEqual({ ...ours, metadata: { ...ours.metadata, labels: { team: 'shop' } } });
  });
});

describe('relative weights (Gateway API backendRefs)', () => {
  const refs = (...weights: Array<number | undefined>) => ({
    spec: {
      rules: [
        {
          backendRefs: weights.map((w, i) => ({
            name: `v${i + 1}`,
            ...(w === undefined ? {} : { weight: w }),
          })),
          timeouts: { request: '10s' },
        },
      ],
    },
  });

  it('a weight changed on each side is one value: a conflict on the whole list', () => {
    const r = mergeThreeWay(refs(undefined, undefined), refs(3, undefined), refs(undefined, 3));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.conflicts.map((c) => c.path)).toEqual(['/spec/rules/0/backendRefs']);
  });

  it('the same weights on both sides agree; a change beside the list still merges', () => {
    expect(mergeThreeWay(refs(1, 1), refs(3, 1), refs(3, 1)).ok).toBe(true);
    const theirs = refs(1, 1);
    theirs.spec.rules[0]!.timeouts.request = '30s';
    const r = mergeThreeWay(refs(1, 1), refs(3, 1), theirs);
    expect(r.ok && r.merged).toEqual({
      spec: {
        rules: [
          {
            backendRefs: [
              { name: 'v1', weight: 3 },
              { name: 'v2', weight: 1 },
            ],
            timeouts: { request: '30s' },
          },
        ],
      },
    });
  });
});

describe('three-way merge of object sets', () => {
  const obj = (name: string, spec: unknown, rv = '1'): KubeObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'shop', resourceVersion: rv },
    spec,
  });

  it('guards a merged object with the live resourceVersion and leaves unchanged ones alone', () => {
    const base = [obj('a', { x: 1, y: 1 }), obj('b', { z: 1 })];
    const ours = [obj('a', { x: 2, y: 1 }), obj('b', { z: 1 })];
    const live = [obj('a', { x: 1, y: 5 }, '7'), obj('b', { z: 9 }, '8')];
    const r = mergeObjects(base, ours, live);
    expect(r.ok).toBe(true);
    expect(r.objects.map((o) => o.outcome)).toEqual(['merged', 'unchanged']);
    const a = r.objects[0];
    if (a?.outcome !== 'merged') throw new Error('expected a merge');
    expect(a.patch[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '7' });
    expect(a.merged.spec).toEqual({ x: 2, y: 5 });
  });

  it('reports an object the draft changed that was deleted live, and creates a new one', () => {
    const base = [obj('a', { x: 1 })];
    const ours = [obj('a', { x: 2 }), obj('n', { q: 1 })];
    const r = mergeObjects(base, ours, []);
    expect(r.ok).toBe(false);
    expect(r.objects.map((o) => [o.key.name, o.outcome])).toEqual([
      ['a', 'conflict'],
      ['n', 'create'],
    ]);
  });
});
