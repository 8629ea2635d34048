import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MergeResolutionError,
  mergeObjectsResolved,
  resolveDocument,
  withValueAt,
} from '../../../shared/drafts/merge-resolutions.ts';
import { mergeThreeWay } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone, getAtPointer, isPlainObject } from '../../../shared/mesh/model/index.ts';

const W0 = '/spec/http/0/route/0/weight';
const W1 = '/spec/http/0/route/1/weight';

function vs(v1: number, v2: number, extra: Record<string, unknown> = {}, rv = '10'): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop', resourceVersion: rv },
    spec: {
      http: [
        {
          name: 'default',
          ...extra,
          route: [
            { destination: { subset: 'v1' }, weight: v1 },
            { destination: { subset: 'v2' }, weight: v2 },
          ],
        },
      ],
    },
  };
}

const vsKey = { kind: 'VirtualService', namespace: 'shop', name: 'reviews' };

describe('settling the conflicts of one document', () => {
  const base = vs(90, 10);
  const ours = vs(50, 50);
  const theirs = vs(70, 30, {}, '11');

  it('takes the cluster’s value: the draft holds it there, so nothing is written at that path', () => {
    const s = resolveDocument(base, ours, theirs, [
      { path: W0, take: 'live' },
      { path: W1, take: 'live' },
    ]);
    const r = mergeThreeWay(s.base, s.ours, theirs);
    if (!r.ok) throw new Error('still conflicting');
    expect(getAtPointer(r.merged, W0)).toBe(70);
    expect(getAtPointer(r.merged, W1)).toBe(30);
    expect(r.patch).toEqual([]);
  });

  it('takes the draft’s value: it replaces the cluster’s, guarded by a test on the cluster’s', () => {
    const s = resolveDocument(base, ours, theirs, [
      { path: W0, take: 'draft' },
      { path: W1, take: 'draft' },
    ]);
    const r = mergeThreeWay(s.base, s.ours, theirs);
    if (!r.ok) throw new Error('still conflicting');
    expect(r.patch).toContainEqual({ op: 'test', path: W0, value: 70 });
    expect(applyJsonPatch(theirs, r.patch)).toEqual(r.merged);
    expect(getAtPointer(r.merged, W0)).toBe(50);
  });

  it('leaves a conflict it was not told about in place', () => {
    const s = resolveDocument(base, ours, theirs, [{ path: W0, take: 'draft' }]);
    const r = mergeThreeWay(s.base, s.ours, theirs);
    expect(r.ok ? [] : r.conflicts.map((c) => c.path)).toEqual([W1]);
  });

  it('refuses a path that is not a conflict, naming the conflicts there are', () => {
    expect(() => resolveDocument(base, ours, theirs, [{ path: '/spec/hosts', take: 'live' }])).toThrow(
      /\/spec\/hosts is not a conflict \(the conflicts are at .*route\/0\/weight, .*route\/1\/weight\)/,
    );
    expect(() => resolveDocument(base, base, theirs, [{ path: W0, take: 'live' }])).toThrow(
      MergeResolutionError,
    );
  });

  it('refuses the same path resolved twice', () => {
    expect(() =>
      resolveDocument(base, ours, theirs, [
        { path: W0, take: 'live' },
        { path: W0, take: 'draft' },
      ]),
    ).toThrow(/resolved twice/);
  });
});

describe('writing a value at a path', () => {
  it('replaces, adds, removes and appends without touching its input', () => {
    const doc = { a: { b: [1, 2, 3] } };
    expect(withValueAt(doc, '/a/b/1', 9)).toEqual({ a: { b: [1, 9, 3] } });
    expect(withValueAt(doc, '/a/b/1', undefined)).toEqual({ a: { b: [1, 3] } });
    expect(withValueAt(doc, '/a/b/-', 4)).toEqual({ a: { b: [1, 2, 3, 4] } });
    expect(withValueAt(doc, '/a/c/d', 'x')).toEqual({ a: { b: [1, 2, 3], c: { d: 'x' } } });
    expect(withValueAt(doc, '', undefined)).toBeUndefined();
    expect(doc).toEqual({ a: { b: [1, 2, 3] } });
  });
});

describe('settling the conflicts of a set of objects', () => {
  it('drops the draft’s change to an object deleted live when the cluster’s side is taken', () => {
    const r = mergeObjectsResolved([vs(90, 10)], [vs(50, 50)], [], [{ ...vsKey, path: '', take: 'live' }]);
    expect(r).toEqual({ ok: true, objects: [] });
  });

  it('creates an object deleted live again when the draft’s side is taken', () => {
    const r = mergeObjectsResolved([vs(90, 10)], [vs(50, 50)], [], [{ ...vsKey, path: '', take: 'draft' }]);
    expect(r.ok).toBe(true);
    expect(r.objects).toEqual([
      { key: expect.objectContaining(vsKey), outcome: 'create', merged: vs(50, 50) },
    ]);
  });

  it('merges a resolved object with the live resourceVersion as its guard', () => {
    const r = mergeObjectsResolved(
      [vs(90, 10)],
      [vs(50, 50)],
      [vs(70, 30, { timeout: '5s' }, '12')],
      [
        { ...vsKey, path: W0, take: 'draft' },
        { ...vsKey, path: W1, take: 'draft' },
      ],
    );
    const m = r.objects[0];
    if (m?.outcome !== 'merged') throw new Error(`expected merged, got ${m?.outcome}`);
    expect(m.patch[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '12' });
    expect(m.merged).toEqual(vs(50, 50, { timeout: '5s' }, '12'));
  });

  it('merges an object the draft creates that appeared live meanwhile, from an empty base', () => {
    const mine = vs(50, 50);
    delete mine.metadata.resourceVersion;
    const theirs = vs(70, 30, {}, '3');
    const r = mergeObjectsResolved([], [mine], [theirs], [{ ...vsKey, path: '/spec', take: 'draft' }]);
    const conflicts = r.objects[0]?.outcome === 'conflict' ? r.objects[0].conflicts.map((c) => c.path) : [];
    // The metadata differs too (the live copy has a resourceVersion): that one is still open.
    expect(conflicts).toEqual(['/metadata']);
    const all = mergeObjectsResolved(
      [],
      [mine],
      [theirs],
      [
        { ...vsKey, path: '/spec', take: 'draft' },
        { ...vsKey, path: '/metadata', take: 'live' },
      ],
    );
    const m = all.objects[0];
    if (m?.outcome !== 'merged') throw new Error(`expected merged, got ${m?.outcome}`);
    expect(m.merged).toEqual({ ...theirs, spec: mine.spec });
  });

  it('refuses a resolution for an object without a conflict, or one the draft does not change', () => {
    expect(() =>
      mergeObjectsResolved([vs(90, 10)], [vs(50, 50)], [vs(90, 10)], [{ ...vsKey, path: W0, take: 'live' }]),
    ).toThrow(/VirtualService shop\/reviews has no conflict to resolve/);
    expect(() =>
      mergeObjectsResolved([], [], [], [{ ...vsKey, name: 'other', path: '', take: 'live' }]),
    ).toThrow(/not among the objects the draft changes/);
  });
});

// Random documents, and two random edits of each (the draft's and the cluster's).
const key = fc.constantFrom('a', 'b', 'c');
const leaf = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y'), fc.constant(null));
const { node } = fc.letrec<{ node: unknown; map: Record<string, unknown>; list: unknown[] }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('node'), { maxKeys: 3 }),
  list: fc.array(tie('node'), { maxLength: 3 }),
}));
const doc = fc.dictionary(key, node, { minKeys: 1, maxKeys: 3 });
const edits = fc.array(fc.record({ at: fc.nat(), remove: fc.boolean(), value: node }), { maxLength: 4 });

function pathsOf(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v))
    return [`${prefix}/-`, ...v.flatMap((x, i) => [`${prefix}/${i}`, ...pathsOf(x, `${prefix}/${i}`)])];
  if (isPlainObject(v))
    return [
      `${prefix}/new`,
      ...Object.entries(v).flatMap(([k, x]) => [`${prefix}/${k}`, ...pathsOf(x, `${prefix}/${k}`)]),
    ];
  return [];
}

function edited(base: unknown, list: ReadonlyArray<{ at: number; remove: boolean; value: unknown }>) {
  let d = deepClone(base);
  for (const e of list) {
    const paths = pathsOf(d);
    const path = paths[e.at % paths.length] as string;
    d = withValueAt(d, path, e.remove ? undefined : e.value);
  }
  return d;
}

describe('resolving every conflict (property)', () => {
  it('leaves a merge with no conflict, holding the side taken at every resolved path', () => {
    fc.assert(
      fc.property(doc, edits, edits, fc.array(fc.boolean(), { minLength: 1 }), (base, e1, e2, takes) => {
        const ours = edited(base, e1);
        const theirs = edited(base, e2);
        const first = mergeThreeWay(base, ours, theirs);
        const conflicts = first.ok ? [] : first.conflicts;
        const resolutions = conflicts.map((c, i) => ({
          path: c.path,
          take: takes[i % takes.length] ? ('draft' as const) : ('live' as const),
        }));
        const s = resolveDocument(base, ours, theirs, resolutions);
        const r = mergeThreeWay(s.base, s.ours, theirs);
        if (!r.ok) throw new Error(`still conflicting at ${r.conflicts.map((c) => c.path).join(', ')}`);
        expect(applyJsonPatch(theirs, r.patch)).toEqual(r.merged);
        conflicts.forEach((c, i) => {
          expect(getAtPointer(r.merged, c.path)).toEqual(resolutions[i]?.take === 'live' ? c.theirs : c.ours);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('holds the cluster’s value at every conflict path when every conflict takes the cluster’s side', () => {
    fc.assert(
      fc.property(doc, edits, edits, (base, e1, e2) => {
        const ours = edited(base, e1);
        const theirs = edited(base, e2);
        const first = mergeThreeWay(base, ours, theirs);
        const conflicts = first.ok ? [] : first.conflicts;
        const s = resolveDocument(
          base,
          ours,
          theirs,
          conflicts.map((c) => ({ path: c.path, take: 'live' as const })),
        );
        const r = mergeThreeWay(s.base, s.ours, theirs);
        expect(r.ok).toBe(true);
        for (const c of conflicts)
          expect(getAtPointer(r.ok ? r.merged : undefined, c.path)).toEqual(c.theirs);
      }),
      { numRuns: 500 },
    );
  });
});
