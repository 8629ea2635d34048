import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartOption } from '../../../renderer/src/features/metrics/chart-options.ts';
import type { VersionSeries } from '../../../shared/api/metrics-schemas.ts';
import { alignSteps, stackTotals } from '../../../shared/metrics/stacked-steps.ts';

function series(version: string, points: Array<[number, number]>): VersionSeries {
  return {
    version,
    inRelease: true,
    t: points.map(([t]) => t),
    rps: points.map(([, v]) => v),
    successRate: points.map(() => 100),
    p50: points.map(() => 10),
    p95: points.map(() => 20),
    p99: points.map(() => 30),
  };
}

describe('stacked requests per second when versions come and go', () => {
  // v1 throughout; v2 appears at t=3; v3 was there until t=2 and left.
  const v1 = series('v1', [
    [1, 10],
    [2, 10],
    [3, 10],
    [4, 10],
  ]);
  const v2 = series('v2', [
    [3, 5],
    [4, 5],
  ]);
  const v3 = series('v3', [
    [1, 2],
    [2, 2],
  ]);

  it('puts every version on the same steps, a missing step counting as no requests', () => {
    const aligned = alignSteps([v1, v2, v3], (s) => s.rps, 0);
    expect(aligned.t).toEqual([1, 2, 3, 4]);
    expect(aligned.lines).toEqual([
      { version: 'v1', values: [10, 10, 10, 10] },
      { version: 'v2', values: [0, 0, 5, 5] },
      { version: 'v3', values: [2, 2, 0, 0] },
    ]);
    expect(stackTotals(aligned)).toEqual([12, 12, 15, 15]);
  });

  it('leaves latency and success rate empty where a version had no traffic', () => {
    const aligned = alignSteps([v1, v2], (s) => s.p95, null);
    expect(aligned.lines[1]?.values).toEqual([null, null, 20, 20]);
  });

  it('draws the stacked chart on one shared list of steps, so the stack adds up per time', () => {
    const option = chartOption('rps', [v1, v2, v3], () => '#000', [], [0, 5]);
    const data = option.series.map((s) => s.data);
    for (const d of data) expect(d.map(([t]) => t)).toEqual([1, 2, 3, 4]);
    // echarts stacks by position: the sum per position is the true total at that time.
    const totals = [0, 1, 2, 3].map((i) => data.reduce((n, d) => n + Number(d[i]?.[1] ?? 0), 0));
    expect(totals).toEqual([12, 12, 15, 15]);
    expect(option.series.every((s) => 'stack' in s && s.stack === 'traffic')).toBe(true);
  });

  it('keeps the total of each step equal to the sum of what each version had then (any history)', () => {
    const history = fc.dictionary(
      fc.constantFrom('v1', 'v2', 'v3', 'v4'),
      fc.dictionary(
        fc.integer({ min: 0, max: 30 }).map(String),
        fc.double({ min: 0, max: 1000, noNaN: true }),
      ),
    );
    fc.assert(
      fc.property(history, (byVersion) => {
        const list = Object.entries(byVersion).map(([version, points]) =>
          series(
            version,
            Object.entries(points)
              .map(([t, v]) => [Number(t) * 5000, v] as [number, number])
              .sort((a, b) => a[0] - b[0]),
          ),
        );
        const aligned = alignSteps(list, (s) => s.rps, 0);
        for (const line of aligned.lines) expect(line.values).toHaveLength(aligned.t.length);
        const totals = stackTotals(aligned);
        aligned.t.forEach((t, i) => {
          const want = list.reduce((n, s) => n + (s.rps[s.t.indexOf(t)] ?? 0), 0);
          expect(totals[i]).toBeCloseTo(want, 6);
        });
      }),
    );
  });
});
