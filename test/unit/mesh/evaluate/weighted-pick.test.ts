import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { weightedPicker } from '../../../../shared/mesh/evaluate/index.ts';

describe('weightedPicker', () => {
  it('has nothing to pick when the weights add up to zero', () => {
    expect(weightedPicker([])).toBeUndefined();
    expect(weightedPicker([0, 0])).toBeUndefined();
  });

  it('maps the unit interval onto the weights in order, clamping outside values', () => {
    const pick = weightedPicker([10, 0, 30])!;
    expect([0, 0.249, 0.25, 0.999, 1, -3, 7].map(pick)).toEqual([0, 0, 2, 2, 2, 0, 2]);
  });

  it('never picks a zero weight, and picks each entry with its share of the interval', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 100 }), { minLength: 1, maxLength: 8 }), (weights) => {
        const pick = weightedPicker(weights);
        const total = weights.reduce((a, b) => a + b, 0);
        if (total === 0) return pick === undefined;
        const counts = weights.map(() => 0);
        const steps = 10_000;
        for (let i = 0; i < steps; i++) counts[pick!(i / steps)]! += 1;
        return weights.every((w, i) =>
          w === 0 ? counts[i] === 0 : Math.abs(counts[i]! / steps - w / total) < 0.002,
        );
      }),
      { numRuns: 200 },
    );
  });
});
