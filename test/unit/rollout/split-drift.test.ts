import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrafficSplit } from '../../../shared/mesh/model/index.ts';
import { splitDrift } from '../../../shared/rollout/split-drift.ts';

const split = (w: Record<string, number>): TrafficSplit =>
  Object.entries(w).map(([version, weight]) => ({ version, weight }));

describe('whether the route still holds the split a release plan wrote', () => {
  it('names both splits when a version’s weight differs', () => {
    expect(splitDrift(split({ v1: 80, v2: 10, v3: 10 }), split({ v1: 90, v2: 10, v3: 0 }))).toBe(
      "the route's split changed since the plan last wrote it: it is v1 90%, v2 10%, v3 0%, where the plan left v1 80%, v2 10%, v3 10%",
    );
    expect(splitDrift(split({ v1: 100 }), [])).toMatch(
      /it is no catch-all split, where the plan left v1 100%/,
    );
  });

  it('a version absent on one side counts as 0%, and order does not matter', () => {
    expect(splitDrift(split({ v1: 90, v2: 10, v4: 0 }), split({ v2: 10, v1: 90 }))).toBeUndefined();
  });

  it('holds exactly when every version has the same weight on both sides (property)', () => {
    const weights = fc.dictionary(fc.constantFrom('v1', 'v2', 'v3', 'v4'), fc.integer({ min: 0, max: 100 }));
    fc.assert(
      fc.property(weights, weights, fc.boolean(), (a, b, reverse) => {
        const live = reverse ? split(b).reverse() : split(b);
        const same = ['v1', 'v2', 'v3', 'v4'].every((v) => (a[v] ?? 0) === (b[v] ?? 0));
        expect(splitDrift(split(a), live) === undefined).toBe(same);
        expect(splitDrift(split(a), reverse ? split(a).reverse() : split(a))).toBeUndefined();
      }),
    );
  });
});
