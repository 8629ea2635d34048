import { describe, expect, it } from 'vitest';
import { inversePatch, sameContent } from '../../../main/core/apply/inverse-patch.ts';
import { rebasePatch } from '../../../main/core/apply/rebase-patch.ts';
import { newWeightProblems, weightProblems } from '../../../main/core/apply/weight-invariant.ts';
import { applyJsonPatch } from '../../../shared/mesh/model/index.ts';
import { reviewsObjects } from './apply-memory-kube-api.ts';

const withRv = <T extends { metadata: object }>(o: T, rv: string): T => ({
  ...o,
  metadata: { ...o.metadata, resourceVersion: rv },
});

describe('weight invariant', () => {
  it('accepts routes whose weights add up to 100 and single-destination routes', () => {
    const { vs } = reviewsObjects();
    expect(weightProblems(vs)).toEqual([]);
    const single = applyJsonPatch(vs, [{ op: 'remove', path: '/spec/http/0/route/1' }]);
    expect(weightProblems(single)).toEqual([]);
  });

  it('names the route and the total when weights do not add up to 100', () => {
    const bad = applyJsonPatch(reviewsObjects().vs, [
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 50 },
    ]);
    const problems = weightProblems(bad);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('spec.http[0].route: weights add up to 60, not 100');
  });

  it('does not block on a route that was already off and stays unchanged', () => {
    const bad = applyJsonPatch(reviewsObjects().vs, [
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 50 },
    ]);
    const touchedElsewhere = applyJsonPatch(bad, [
      { op: 'replace', path: '/spec/hosts', value: ['reviews', 'r2'] },
    ]);
    expect(newWeightProblems(bad, touchedElsewhere)).toEqual([]);
    const madeWorse = applyJsonPatch(bad, [{ op: 'replace', path: '/spec/http/0/route/1/weight', value: 5 }]);
    expect(newWeightProblems(bad, madeWorse)).toHaveLength(1);
  });
});

describe('inverse patch', () => {
  it('takes the object back and tests the values the change wrote', () => {
    const before = withRv(reviewsObjects().dr, '6');
    const after = withRv(
      applyJsonPatch(before, [
        { op: 'add', path: '/spec/subsets/-', value: { name: 'v3', labels: { version: 'v3' } } },
      ]),
      '9',
    );
    const inv = inversePatch(before, after, '9');
    expect(inv[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '9' });
    expect(inv.some((o) => o.op === 'test' && o.path === '/spec/subsets/2')).toBe(true);
    expect(sameContent(applyJsonPatch(after, inv), before)).toBe(true);
  });

  it('refuses when a value it restores was changed by someone else', () => {
    const before = reviewsObjects().vs;
    const after = applyJsonPatch(before, [
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 50 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 50 },
    ]);
    const theirs = applyJsonPatch(after, [
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 70 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 30 },
    ]);
    expect(() => applyJsonPatch(theirs, inversePatch(before, after))).toThrow(
      /test failed at \/spec\/http\/0\/route\/0\/weight/,
    );
  });

  it('ignores server-set metadata and status', () => {
    const before = withRv(reviewsObjects().vs, '1');
    const after = { ...withRv(before, '2'), status: { observedGeneration: 2 } };
    expect(inversePatch(before, after)).toEqual([]);
  });
});

describe('rebase after a conflict', () => {
  const base = withRv(reviewsObjects().vs, '5');
  const patch = [
    { op: 'test' as const, path: '/metadata/resourceVersion', value: '5' },
    { op: 'test' as const, path: '/spec/http/0/route/0/weight', value: 90 },
    { op: 'replace' as const, path: '/spec/http/0/route/0/weight', value: 80 },
    {
      op: 'add' as const,
      path: '/spec/http/0/route/-',
      value: { destination: { host: 'reviews', subset: 'v3' }, weight: 10 },
    },
  ];

  it('re-issues on the fresh resourceVersion when the other change touched another field', () => {
    const fresh = withRv(
      applyJsonPatch(base, [{ op: 'replace', path: '/spec/http/0/retries/perTryTimeout', value: '5s' }]),
      '8',
    );
    const r = rebasePatch(patch, fresh, base);
    expect(r.ok && r.changed).toBe(true);
    if (!r.ok) return;
    expect(r.patch[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '8' });
    const result = applyJsonPatch(fresh, r.patch) as typeof fresh & {
      spec: { http: Array<{ retries: { perTryTimeout: string } }> };
    };
    expect(result.spec.http[0]?.retries.perTryTimeout).toBe('5s');
  });

  it('stops with the colliding path when the other change touched a weight we replace', () => {
    const fresh = withRv(
      applyJsonPatch(base, [
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 70 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 30 },
      ]),
      '8',
    );
    expect(rebasePatch(patch, fresh, base)).toEqual({ ok: false, paths: ['/spec/http/0/route/0/weight'] });
  });

  it('stops when a list we index into changed length (our indexes would point elsewhere)', () => {
    const fresh = withRv(
      applyJsonPatch(base, [
        {
          op: 'add',
          path: '/spec/http/0',
          value: { match: [{ uri: { prefix: '/x' } }], route: [{ destination: { host: 'x' } }] },
        },
      ]),
      '8',
    );
    const r = rebasePatch(patch, fresh, base);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.paths).toContain('/spec/http');
  });

  it('reports no change when every precondition already holds (the server refused the content)', () => {
    const r = rebasePatch(patch, base, base);
    expect(r).toMatchObject({ ok: true, changed: false });
  });
});
