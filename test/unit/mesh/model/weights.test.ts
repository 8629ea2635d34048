import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allWeightTo,
  blockedReason,
  evenSplit,
  gatewayBackendWeights,
  istioDestinationWeights,
  largestRemainder,
  normalizeTo100,
  setLocked,
  setWeight,
  type VersionWeight,
  validateSplit,
} from '../../../../shared/mesh/model/index.ts';

const sum = (ws: readonly VersionWeight[]) => ws.reduce((a, v) => a + v.weight, 0);
const split = (...pairs: Array<[string, number, boolean?]>): VersionWeight[] =>
  pairs.map(([version, weight, locked]) => ({ version, weight, ...(locked ? { locked } : {}) }));

/** A valid split: 1–6 versions, whole weights summing to 100, some locked (locks never exceed 100). */
const arbSplit = fc.array(fc.tuple(fc.nat(1000), fc.boolean()), { minLength: 1, maxLength: 6 }).map((raw) => {
  const weights = normalizeTo100(raw.map(([w]) => w + 1));
  return raw.map(([, locked], i) => ({ version: `v${i + 1}`, weight: weights[i]!, locked }));
});

describe('largestRemainder', () => {
  it('rounds thirds so that the first version gets the leftover unit', () => {
    expect(largestRemainder([1, 1, 1], 100)).toEqual([34, 33, 33]);
  });
  it('gives the leftover units to the largest fractional parts', () => {
    expect(largestRemainder([1, 2, 2], 100)).toEqual([20, 40, 40]);
    expect(largestRemainder([10, 10, 1], 100)).toEqual([48, 47, 5]);
  });
  it('returns zeros when every share is zero', () => {
    expect(largestRemainder([0, 0], 100)).toEqual([0, 0]);
  });
});

describe('normalizeTo100 and reading proportional weights', () => {
  it('turns Gateway API weights 1 and 3 into 25 and 75', () => {
    expect(normalizeTo100([1, 3])).toEqual([25, 75]);
  });
  it('treats an omitted backendRef weight as 1, the Gateway API default', () => {
    expect(gatewayBackendWeights([{}, { weight: 1 }])).toEqual([50, 50]);
  });
  it('gives a lone Istio destination 100 whatever its weight', () => {
    expect(istioDestinationWeights([{}])).toEqual([100]);
    expect(istioDestinationWeights([{ weight: 30 }])).toEqual([100]);
  });
  it('treats omitted Istio weights among several destinations as 0', () => {
    expect(istioDestinationWeights([{ weight: 30 }, {}])).toEqual([100, 0]);
  });
  it('scales Istio weights that do not sum to 100 in proportion', () => {
    expect(istioDestinationWeights([{ weight: 30 }, { weight: 30 }])).toEqual([50, 50]);
  });
});

describe('validateSplit', () => {
  it('names the sum when weights do not add up to 100', () => {
    expect(validateSplit(split(['v1', 50], ['v2', 40])).map((e) => e.message)).toEqual([
      'weights sum to 90, not 100',
    ]);
  });
  it('rejects a negative weight by version', () => {
    expect(validateSplit(split(['v1', 105], ['v2', -5]))[1]?.message).toBe(
      'weight of v2 is -5: weights cannot be negative',
    );
  });
  it('rejects a fractional weight', () => {
    expect(validateSplit(split(['v1', 49.5], ['v2', 50.5]))[0]?.message).toContain('whole numbers');
  });
  it('rejects a split where every weight is 0', () => {
    expect(validateSplit(split(['v1', 0], ['v2', 0]))[0]?.message).toBe(
      'all weights are 0: no version would receive traffic',
    );
  });
  it('accepts a split of whole numbers summing to 100', () => {
    expect(validateSplit(split(['v1', 90], ['v2', 10]))).toEqual([]);
  });
  it('rejects a version listed twice', () => {
    expect(validateSplit(split(['v1', 50], ['v1', 50]))[0]?.message).toContain('more than once');
  });
});

describe('setWeight', () => {
  it('rebalances the unlocked others in proportion to their current shares', () => {
    const r = setWeight(split(['v1', 60], ['v2', 30], ['v3', 10]), 'v3', 50);
    expect(r.weights.map((v) => v.weight)).toEqual([33, 17, 50]);
    expect(r.clamped).toBe(false);
  });
  it('spreads the remainder evenly when the others are all at 0', () => {
    const r = setWeight(split(['v1', 100], ['v2', 0], ['v3', 0]), 'v1', 40);
    expect(r.weights.map((v) => v.weight)).toEqual([40, 30, 30]);
  });
  it('keeps a locked version and clamps the asked value to what the locks leave', () => {
    const r = setWeight(split(['v1', 50], ['v2', 30, true], ['v3', 20]), 'v1', 90);
    expect(r.weights.map((v) => v.weight)).toEqual([70, 30, 0]);
    expect(r.clamped).toBe(true);
    expect(r.message).toBe('v1 can take at most 70%: locked versions hold 30%');
  });
  it('forces the only unlocked version to what the locks leave', () => {
    const r = setWeight(split(['v1', 50], ['v2', 50, true]), 'v1', 10);
    expect(r.applied).toBe(50);
    expect(r.message).toContain('every other version is locked');
  });
  it('refuses to move a locked version and says why', () => {
    const r = setWeight(split(['v1', 50, true], ['v2', 50]), 'v1', 10);
    expect(r.weights.map((v) => v.weight)).toEqual([50, 50]);
    expect(r.message).toBe('v1 is locked at 50%');
  });
  it('rounds a fractional request to a whole number and says so', () => {
    const r = setWeight(split(['v1', 50], ['v2', 50]), 'v2', 12.6);
    expect(r.applied).toBe(13);
    expect(r.message).toContain('whole numbers');
  });
  it('names the versions when asked for an unknown one', () => {
    expect(() => setWeight(split(['v1', 100]), 'v9', 10)).toThrow("unknown version 'v9' (the split has v1)");
  });

  it('always returns whole numbers that sum to 100', () => {
    fc.assert(
      fc.property(arbSplit, fc.nat(5), fc.integer({ min: -20, max: 130 }), (s, pick, value) => {
        const target = s[pick % s.length]!.version;
        const r = setWeight(s, target, value);
        expect(sum(r.weights)).toBe(100);
        for (const v of r.weights) expect(Number.isInteger(v.weight) && v.weight >= 0).toBe(true);
      }),
    );
  });
  it('never changes a locked version', () => {
    fc.assert(
      fc.property(arbSplit, fc.nat(5), fc.nat(100), (s, pick, value) => {
        const r = setWeight(s, s[pick % s.length]!.version, value);
        s.forEach((v, i) => {
          if (v.locked) expect(r.weights[i]!.weight).toBe(v.weight);
        });
      }),
    );
  });
  it('applies the asked value whenever the locks allow it', () => {
    fc.assert(
      fc.property(arbSplit, fc.nat(5), fc.nat(100), (s, pick, value) => {
        const i = pick % s.length;
        const target = s[i]!;
        const lockedElsewhere = s.reduce((a, v, k) => (k !== i && v.locked ? a + v.weight : a), 0);
        const unlockedOthers = s.filter((v, k) => k !== i && !v.locked).length;
        const possible =
          !target.locked &&
          value <= 100 - lockedElsewhere &&
          (unlockedOthers > 0 || value === 100 - lockedElsewhere);
        const r = setWeight(s, target.version, value);
        if (possible) {
          expect(r.weights[i]!.weight).toBe(value);
          expect(r.clamped).toBe(false);
        } else expect(r.clamped || r.weights[i]!.weight === value).toBe(true);
      }),
    );
  });
  it('is deterministic and idempotent', () => {
    fc.assert(
      fc.property(arbSplit, fc.nat(5), fc.nat(100), (s, pick, value) => {
        const target = s[pick % s.length]!.version;
        const once = setWeight(s, target, value);
        expect(setWeight(s, target, value)).toEqual(once);
        expect(setWeight(once.weights, target, value).weights).toEqual(once.weights);
      }),
    );
  });
});

describe('evenSplit, locks and cut-over', () => {
  it('shares evenly, the first versions taking the leftover units', () => {
    expect(evenSplit(split(['a', 100], ['b', 0], ['c', 0])).map((v) => v.weight)).toEqual([34, 33, 33]);
  });
  it('shares only what the locked versions leave', () => {
    expect(evenSplit(split(['a', 10, true], ['b', 0], ['c', 90])).map((v) => v.weight)).toEqual([10, 45, 45]);
  });
  it('locks a version without changing its weight', () => {
    expect(setLocked(split(['a', 60], ['b', 40]), 'b', true)).toEqual([
      { version: 'a', weight: 60 },
      { version: 'b', weight: 40, locked: true },
    ]);
  });
  it('cuts over to one version at 100 and reports the locks it released', () => {
    const r = allWeightTo(split(['v1', 80, true], ['v2', 20]), 'v2');
    expect(r.weights).toEqual([
      { version: 'v1', weight: 0 },
      { version: 'v2', weight: 100 },
    ]);
    expect(r.released).toEqual(['v1']);
  });
  it('keeps the sum at 100 for even splits of any valid split', () => {
    fc.assert(
      fc.property(arbSplit, (s) => {
        expect(sum(evenSplit(s))).toBe(s.every((v) => v.locked) ? sum(s) : 100);
      }),
    );
  });
});

/** A valid split where some versions cannot take traffic (`blocked`), some are locked. */
const arbBlockedSplit = fc
  .array(fc.tuple(fc.nat(1000), fc.constantFrom('free', 'locked', 'blocked')), { minLength: 1, maxLength: 6 })
  .map((raw) => {
    const weights = normalizeTo100(raw.map(([w]) => w + 1));
    return raw.map(
      ([, kind], i): VersionWeight => ({
        version: `v${i + 1}`,
        weight: weights[i]!,
        ...(kind === 'locked' ? { locked: true } : {}),
        ...(kind === 'blocked' ? { blocked: 'cannot take traffic: no pods are running' } : {}),
      }),
    );
  });

describe('versions that cannot take traffic', () => {
  const noPods = 'cannot take traffic: no pods are running';
  it('says why a version cannot take traffic', () => {
    expect(blockedReason({ declared: false, podsTotal: 2 })).toBe(
      'cannot take traffic: not declared as a subset in the DestinationRule',
    );
    expect(blockedReason({ declared: false, podsTotal: 2, flavor: 'gateway-api' })).toContain(
      'backend Service',
    );
    expect(blockedReason({ declared: true, podsTotal: 0 })).toBe(noPods);
    expect(blockedReason({ declared: true, podsTotal: 0, podsUnknown: true })).toBeUndefined();
    expect(blockedReason({ declared: true, podsTotal: 1 })).toBeUndefined();
  });
  it('leaves a blocked version out when another version moves', () => {
    const s: VersionWeight[] = [
      { version: 'v1', weight: 80 },
      { version: 'v2', weight: 20 },
      { version: 'v3', weight: 0, blocked: noPods },
    ];
    expect(setWeight(s, 'v1', 50).weights.map((v) => v.weight)).toEqual([50, 50, 0]);
    expect(setWeight(s, 'v1', 50).weights[2]?.blocked).toBe(noPods);
  });
  it('refuses to raise a blocked version and says why', () => {
    const s: VersionWeight[] = [
      { version: 'v1', weight: 100 },
      { version: 'v3', weight: 0, blocked: noPods },
    ];
    const r = setWeight(s, 'v3', 30);
    expect(r.weights.map((v) => v.weight)).toEqual([100, 0]);
    expect(r.clamped).toBe(true);
    expect(r.message).toBe(`v3 ${noPods}: its weight can only go down`);
  });
  it('lets a blocked version that still holds weight be lowered, the rest going to the others', () => {
    const s: VersionWeight[] = [
      { version: 'v1', weight: 60, blocked: noPods },
      { version: 'v2', weight: 30 },
      { version: 'v3', weight: 10 },
    ];
    expect(setWeight(s, 'v1', 20).weights.map((v) => v.weight)).toEqual([20, 60, 20]);
    const up = setWeight(s, 'v2', 100);
    expect(up.weights.map((v) => v.weight)).toEqual([60, 40, 0]);
    expect(up.message).toBe('v2 can take at most 40%: versions that cannot take traffic hold 60%');
  });
  it('shares an even split only among the versions that can take traffic', () => {
    const s: VersionWeight[] = [
      { version: 'a', weight: 100 },
      { version: 'b', weight: 0, blocked: noPods },
      { version: 'c', weight: 0 },
    ];
    expect(evenSplit(s).map((v) => v.weight)).toEqual([50, 0, 50]);
  });
  it('never gives weight to a blocked version, whatever moves (keys, drag or typed: one rule)', () => {
    fc.assert(
      fc.property(arbBlockedSplit, fc.nat(5), fc.integer({ min: -20, max: 130 }), (s, pick, value) => {
        const i = pick % s.length;
        const r = setWeight(s, s[i]!.version, value);
        expect(sum(r.weights)).toBe(100);
        s.forEach((v, k) => {
          if (v.blocked === undefined) return;
          if (k === i) expect(r.weights[k]!.weight).toBeLessThanOrEqual(v.weight);
          else expect(r.weights[k]!.weight).toBe(v.weight);
          expect(r.weights[k]!.blocked).toBe(v.blocked);
        });
        for (const [k, v] of evenSplit(s).entries()) if (v.blocked) expect(v.weight).toBe(s[k]!.weight);
      }),
    );
  });
  it('applies the asked value whenever the rule allows it', () => {
    fc.assert(
      fc.property(arbBlockedSplit, fc.nat(5), fc.nat(100), (s, pick, value) => {
        const i = pick % s.length;
        const target = s[i]!;
        const heldElsewhere = s.reduce(
          (a, v, k) => (k !== i && (v.locked || v.blocked) ? a + v.weight : a),
          0,
        );
        const freeOthers = s.filter((v, k) => k !== i && !v.locked && !v.blocked).length;
        const possible =
          !target.locked &&
          value <= 100 - heldElsewhere &&
          (!target.blocked || value <= target.weight) &&
          (freeOthers > 0 || value === 100 - heldElsewhere);
        const r = setWeight(s, target.version, value);
        if (possible) expect(r.weights[i]!.weight).toBe(value);
        else expect(r.clamped || r.weights[i]!.weight === value).toBe(true);
      }),
    );
  });
});
