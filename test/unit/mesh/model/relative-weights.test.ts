import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeTo100,
  relativeWeightsFor,
  shareWithRawWeight,
} from '../../../../shared/mesh/model/index.ts';

/** Whole percentages over n versions summing to 100. */
const percentSplit = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const edges = [0, ...sorted, 100];
    return edges.slice(1).map((e, i) => e - (edges[i] ?? 0));
  });

const rawWeights = (n: number) =>
  fc.array(fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }), { minLength: n, maxLength: n });

const effective = (raw: ReadonlyArray<number | undefined>) => raw.map((r) => (r === undefined ? 1 : r));

describe('relativeWeightsFor (the scale rule)', () => {
  it('moves 1:1 to 75/25 as 3:1 (lowest terms), not 75:25', () => {
    expect(relativeWeightsFor([1, 1], [75, 25])).toEqual([3, 1]);
  });

  it('keeps the route total when the new percentages fit it: 9:1 to 80/20 is 8:2, 900:100 is 800:200', () => {
    expect(relativeWeightsFor([9, 1], [80, 20])).toEqual([8, 2]);
    expect(relativeWeightsFor([900, 100], [75, 25])).toEqual([750, 250]);
    expect(relativeWeightsFor([90, 10], [50, 50])).toEqual([50, 50]);
  });

  it('treats an omitted weight as 1 and a new backendRef as holding nothing', () => {
    expect(relativeWeightsFor([undefined, undefined], [50, 50])).toEqual([1, 1]);
    expect(relativeWeightsFor([9, 1, null], [80, 10, 10])).toEqual([8, 1, 1]);
    expect(relativeWeightsFor([1, null], [100, 0])).toEqual([1, 0]);
  });

  it('refuses a split that does not add up to 100, or has a fractional or negative percentage', () => {
    expect(() => relativeWeightsFor([1, 1], [60, 60])).toThrow(/sum to 120, not 100/);
    expect(() => relativeWeightsFor([1, 1], [50.5, 49.5])).toThrow(/50.5 is not a whole number/);
    expect(() => relativeWeightsFor([1, 1], [-1, 101])).toThrow(/-1 is not a whole number/);
    expect(() => relativeWeightsFor([1], [50, 50])).toThrow(/2 percentages for 1 backendRefs/);
  });

  it('property: read back, the written weights show exactly the percentages asked for', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(rawWeights(n), percentSplit(n))),
        ([raw, pct]) => {
          const written = relativeWeightsFor(raw, pct);
          expect(normalizeTo100(written)).toEqual(pct);
          expect(written.every((w) => Number.isInteger(w) && w >= 0)).toBe(true);
        },
      ),
    );
  });

  it('property: writing back the split as it is shown changes no weight', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => rawWeights(n)),
        (raw) => {
          const shown = normalizeTo100(effective(raw));
          fc.pre(shown.reduce((a, b) => a + b, 0) === 100);
          expect(relativeWeightsFor(raw, shown)).toEqual(effective(raw));
        },
      ),
    );
  });

  it('property: the written weights sum to 0 only when every percentage is 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(rawWeights(n), percentSplit(n))),
        ([raw, pct]) => {
          expect(relativeWeightsFor(raw, pct).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        },
      ),
    );
    expect(relativeWeightsFor([1, 1], [0, 0])).toEqual([0, 0]);
  });

  it('property: the total is kept whenever the percentages fit it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(rawWeights(n), percentSplit(n))),
        ([raw, pct]) => {
          const total = effective(raw).reduce((a, b) => a + b, 0);
          fc.pre(total > 0 && pct.every((p) => Number.isInteger((p * total) / 100)));
          expect(relativeWeightsFor(raw, pct).reduce((a, b) => a + b, 0)).toBe(total);
        },
      ),
    );
  });
});

describe('shareWithRawWeight', () => {
  it('shows the raw weight beside the percentage, an omitted one as 1', () => {
    expect(shareWithRawWeight(90, 9)).toBe('90% (weight 9)');
    expect(shareWithRawWeight(50, undefined)).toBe('50% (weight 1)');
    expect(shareWithRawWeight(90, 90)).toBe('90% (weight 90)');
  });
});
