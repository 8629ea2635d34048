import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../main/core/cluster/backoff.ts';

describe('reconnect backoff', () => {
  it('doubles the ceiling each attempt up to the maximum, with half of each step fixed and half random', () => {
    const low = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads delays of the same attempt across watches (jitter) within [ceiling/2, ceiling]', () => {
    const values = [0.1, 0.5, 0.9];
    const delays = values.map((v) => createBackoff({ initialMs: 1000, random: () => v }).next());
    expect(new Set(delays).size).toBe(3);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(500);
    for (const d of delays) expect(d).toBeLessThanOrEqual(1000);
  });

  it('starts again from the initial delay after a success', () => {
    const b = createBackoff({ initialMs: 100, random: () => 0 });
    b.next();
    b.next();
    b.next();
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.next()).toBe(50);
  });
});
