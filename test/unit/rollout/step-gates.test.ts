import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../../shared/rollout/step-gates.ts';

const stats = (version: string, requests: number, failures: number) => ({
  version,
  requests,
  failures,
  buckets: [
    { le: 50, count: requests },
    { le: Number.POSITIVE_INFINITY, count: requests },
  ],
});
const gates = { maxSuccessRateDropPoints: 1, maxP95Ratio: 1.5, minRequests: 100 };
const success = (canaryFailures: number, stableFailures = 0, requests = 100) =>
  evaluateGates(
    {
      canary: stats('v2', requests, canaryFailures),
      stable: stats('v1', requests * 10, stableFailures),
      windowSeconds: 60,
    },
    gates,
  ).find((g) => g.gate === 'success-rate')!;

describe('the success-rate gate of a release plan step', () => {
  it('lets a drop over the limit pass when it is within chance (2 of 100 failed, stable 5 of 1,000)', () => {
    const g = success(2, 5);
    expect(g.status).toBe('pass');
    expect(g.text).toMatch(/points lower, but within chance over 100 requests$/);
  });

  it('fails a drop over the limit that is more than chance, with its figures', () => {
    const g = success(10, 1);
    expect(g.status).toBe('fail');
    expect(g.text).toBe('success rate 90.0% vs stable 99.9%: 9.9 points lower, more than the 1 allowed');
  });

  it('passes a drop within the limit without asking chance', () => {
    expect(success(1, 0, 1000).status).toBe('pass');
  });
});

describe('requests that reached no version during a step', () => {
  it('fail the success-rate gate, even with too few canary requests to judge, naming how many', () => {
    const results = evaluateGates(
      { canary: stats('v2', 4, 0), stable: stats('v1', 1000, 0), windowSeconds: 60, undelivered: 37.2 },
      gates,
    );
    expect(results.map((g) => `${g.gate} ${g.status}`)).toEqual([
      'requests no-data',
      'success-rate fail',
      'p95-latency no-data',
    ]);
    expect(results[1]?.text).toBe(
      '37 request(s) reached no version in 60 s: the mesh answered them itself (a subset with no ready pods, or none defined)',
    );
  });
});
