import { describe, expect, it } from 'vitest';
import type { VersionWindowStats } from '../../../shared/metrics/health-verdict.ts';
import { judgeCanary, p95Ms, successRatePercent } from '../../../shared/metrics/health-verdict.ts';
import type { CumulativeBucket } from '../../../shared/metrics/latency-quantile.ts';

const BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, Number.POSITIVE_INFINITY];

/** A histogram of `requests` observations spread by share per bucket bound (cumulative shares). */
function histogram(requests: number, cumulativeShares: number[]): CumulativeBucket[] {
  return BOUNDS.map((le, i) => ({ le, count: requests * (cumulativeShares[i] ?? 1) }));
}

// p95 lands in 25..50 for FAST, in 50..100 for SLOW.
const FAST = [0.1, 0.3, 0.8, 0.97, 0.995, 1, 1, 1, 1];
const SLOW = [0.05, 0.2, 0.6, 0.85, 0.97, 1, 1, 1, 1];

const stats = (version: string, requests: number, failures: number, shares = FAST): VersionWindowStats => ({
  version,
  requests,
  failures,
  buckets: histogram(requests, shares),
});

describe('judgeCanary', () => {
  it('calls a canary with the same error share and latency as stable healthy', () => {
    const v = judgeCanary({
      canary: stats('v2', 2000, 4),
      stable: stats('v1', 16000, 32),
      windowSeconds: 300,
    });
    expect(v.status).toBe('healthy');
    expect(v.baseline).toBe('v1');
    expect(v.findings.map((f) => f.worse)).toEqual([false, false]);
    expect(v.summary).toMatch(/^v2 looks healthy next to v1 over the last 5 minutes/);
  });

  it('calls a canary that fails 2% against 0.2% worse in success rate, and says by how much', () => {
    const v = judgeCanary({
      canary: stats('v3', 2000, 40),
      stable: stats('v1', 16000, 32),
      windowSeconds: 300,
    });
    expect(v.status).toBe('worse');
    const sr = v.findings.find((f) => f.metric === 'success-rate');
    expect(sr?.worse).toBe(true);
    expect(sr?.canary).toBeCloseTo(98, 5);
    expect(sr?.baseline).toBeCloseTo(99.8, 5);
    expect(v.summary).toContain('1.8 points lower');
    expect(v.findings.find((f) => f.metric === 'p95-latency')?.worse).toBe(false);
  });

  it('calls a canary whose p95 is far above stable worse in latency', () => {
    const v = judgeCanary({
      canary: stats('v3', 2000, 4, SLOW),
      stable: stats('v1', 16000, 32),
      windowSeconds: 300,
    });
    expect(v.status).toBe('worse');
    const p95 = v.findings.find((f) => f.metric === 'p95-latency');
    expect(p95?.worse).toBe(true);
    expect(p95?.canary).toBeGreaterThan(50);
    expect(p95?.baseline).toBeLessThan(50);
    expect(v.summary).toMatch(/p95 latency \d+ ms against \d+ ms \([\d.]+× slower\)/);
  });

  it('does not judge a canary with fewer requests than the minimum', () => {
    const v = judgeCanary({
      canary: stats('v3', 40, 10),
      stable: stats('v1', 16000, 32),
      windowSeconds: 600,
    });
    expect(v.status).toBe('not-enough-traffic');
    expect(v.findings).toEqual([]);
    expect(v.summary).toBe(
      'Not enough traffic yet: v3 served 40 request(s) in the last 10 minutes; at least 100 are needed to judge it.',
    );
  });

  it('does not call a small error difference worse when it could be chance', () => {
    // 3 of 150 (2%) against 1 of 300: 1.7 points lower, above the tolerance, but under 2 standard errors.
    const chance = judgeCanary({
      canary: stats('v2', 150, 3),
      stable: stats('v1', 300, 1),
      windowSeconds: 300,
    });
    expect(chance.findings.find((f) => f.metric === 'success-rate')?.worse).toBe(false);
    const clear = judgeCanary({
      canary: stats('v2', 1500, 30),
      stable: stats('v1', 3000, 6),
      windowSeconds: 300,
    });
    expect(clear.findings.find((f) => f.metric === 'success-rate')?.worse).toBe(true);
  });

  it('falls back to absolute thresholds when stable has too little traffic', () => {
    const ok = judgeCanary({ canary: stats('v2', 1000, 2), stable: stats('v1', 10, 0), windowSeconds: 300 });
    expect(ok.baseline).toBeNull();
    expect(ok.status).toBe('healthy');
    expect(ok.summary).toContain('against the absolute thresholds');
    const bad = judgeCanary({
      canary: stats('v2', 1000, 50),
      windowSeconds: 300,
      thresholds: { absoluteMaxP95Ms: 20 },
    });
    expect(bad.status).toBe('worse');
    expect(bad.findings.every((f) => f.worse)).toBe(true);
    expect(bad.summary).toMatch(/^v2 is worse than the thresholds allow/);
  });

  it('honours custom thresholds', () => {
    const canary = stats('v3', 2000, 40);
    const stable = stats('v1', 16000, 32);
    expect(
      judgeCanary({ canary, stable, windowSeconds: 300, thresholds: { maxSuccessRateDropPoints: 5 } }).status,
    ).toBe('healthy');
  });
});

describe('window figures', () => {
  it('reads success rate and p95 from counts and buckets', () => {
    const s = stats('v1', 1000, 5);
    expect(successRatePercent(s)).toBeCloseTo(99.5, 10);
    // rank 950 sits in 25..50 (800..970): 25 + 25 × 150/170.
    expect(p95Ms(s)).toBeCloseTo(25 + (25 * 150) / 170, 6);
    expect(successRatePercent({ version: 'x', requests: 0, failures: 0, buckets: [] })).toBeNull();
    expect(p95Ms({ version: 'x', requests: 0, failures: 0, buckets: [] })).toBeNull();
  });
});

describe('requests that reached no version', () => {
  it('keep a canary from being judged healthy, whatever its own figures, and say how many', () => {
    const healthy = { canary: stats('v2', 400, 0), stable: stats('v1', 400, 0), windowSeconds: 300 };
    expect(judgeCanary(healthy).status).toBe('healthy');
    const v = judgeCanary({ ...healthy, undelivered: 212.6 });
    expect(v.status).toBe('worse');
    expect(v.summary).toBe(
      '213 request(s) reached no version over the last 5 minutes: the mesh answered them itself (a subset with no ready pods, or none defined). v2 cannot be judged healthy while requests are lost.',
    );
    expect(judgeCanary({ ...healthy, undelivered: 0.4 }).status).toBe('healthy');
  });

  it('count even when the canary served too few requests to judge (its pods went away)', () => {
    const v = judgeCanary({
      canary: stats('v2', 3, 0),
      stable: stats('v1', 400, 0),
      undelivered: 50,
      windowSeconds: 60,
    });
    expect(v.status).toBe('worse');
  });
});
