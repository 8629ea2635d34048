import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBuckets, histogramQuantile } from '../../../shared/metrics/latency-quantile.ts';

const INF = Number.POSITIVE_INFINITY;

describe('histogramQuantile', () => {
  it('interpolates linearly inside the bucket the rank falls in, from 0 for the first bucket', () => {
    const b = [
      { le: 10, count: 50 },
      { le: 100, count: 90 },
      { le: INF, count: 100 },
    ];
    expect(histogramQuantile(0.25, b)).toBeCloseTo(5, 10);
    expect(histogramQuantile(0.5, b)).toBeCloseTo(10, 10);
    expect(histogramQuantile(0.7, b)).toBeCloseTo(10 + 90 * (20 / 40), 10);
  });

  it('answers the highest finite bound for a rank in the +Inf bucket, as Prometheus does', () => {
    const b = [
      { le: 10, count: 10 },
      { le: 100, count: 20 },
      { le: INF, count: 100 },
    ];
    expect(histogramQuantile(0.99, b)).toBe(100);
  });

  it('has no quantile for an empty histogram, one without +Inf, or a q outside 0..1', () => {
    expect(histogramQuantile(0.5, [])).toBeNaN();
    expect(
      histogramQuantile(0.5, [
        { le: 10, count: 0 },
        { le: INF, count: 0 },
      ]),
    ).toBeNaN();
    expect(
      histogramQuantile(0.5, [
        { le: 10, count: 3 },
        { le: 20, count: 5 },
      ]),
    ).toBeNaN();
    expect(
      histogramQuantile(1.5, [
        { le: 10, count: 3 },
        { le: INF, count: 5 },
      ]),
    ).toBeNaN();
  });

  it('never decreases as q grows, and stays within the bucket bounds', () => {
    const bounds = [1, 5, 10, 50, 100, 500, INF];
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 7, maxLength: 7 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (increments, q1, q2) => {
          let sum = 0;
          const b = bounds.map((le, i) => {
            sum += increments[i] ?? 0;
            return { le, count: sum };
          });
          const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
          const a = histogramQuantile(lo, b);
          const z = histogramQuantile(hi, b);
          if (sum === 0) return Number.isNaN(a) && Number.isNaN(z);
          return a <= z + 1e-9 && a >= 0 && z <= 500;
        },
      ),
    );
  });

  it('adds histograms bucket by bucket', () => {
    const sum = addBuckets(
      [
        { le: 10, count: 1 },
        { le: INF, count: 2 },
      ],
      [
        { le: 10, count: 3 },
        { le: INF, count: 5 },
      ],
    );
    expect(sum).toEqual([
      { le: 10, count: 4 },
      { le: INF, count: 7 },
    ]);
  });
});
