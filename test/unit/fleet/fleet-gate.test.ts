import { describe, expect, it } from 'vitest';
import type { ClusterJudge, GateCluster } from '../../../main/core/fleet/fleet-gate.ts';
import { judgeWave } from '../../../main/core/fleet/fleet-gate.ts';
import { changeWords, gateVersions, wantedSplit } from '../../../main/core/fleet/fleet-preflight.ts';
import type { HealthVerdict } from '../../../shared/metrics/health-verdict.ts';
import { release } from '../../helpers/fleet-releases.ts';

const verdict = (status: HealthVerdict['status'], summary: string): HealthVerdict => ({
  status,
  canary: 'v2',
  baseline: 'v1',
  windowSeconds: 60,
  canaryRequests: 500,
  baselineRequests: 500,
  findings: [],
  summary,
});
const cluster = (contextId: string): GateCluster => ({
  contextId,
  releaseId: 'r',
  canary: 'v2',
  stable: 'v1',
});
const judgeBy =
  (answers: Record<string, HealthVerdict | { none: string }>): ClusterJudge =>
  async (c) =>
    answers[c.contextId] ?? { none: 'unknown cluster' };

describe('the health gate between waves', () => {
  it('passes when every cluster of the wave is healthy, naming each verdict', async () => {
    const g = await judgeWave(
      1,
      [cluster('a'), cluster('b')],
      60,
      judgeBy({ a: verdict('healthy', 'ok a'), b: verdict('healthy', 'ok b') }),
    );
    expect(g).toEqual({ wave: 1, status: 'pass', reason: 'wave 2 health gate pass: a: ok a; b: ok b' });
  });

  it('fails when any cluster is worse, even beside one without data', async () => {
    const g = await judgeWave(
      0,
      [cluster('a'), cluster('b')],
      60,
      judgeBy({ a: verdict('worse', 'v2 worse'), b: { none: 'no Prometheus' } }),
    );
    expect(g.status).toBe('fail');
    expect(g.reason).toBe('wave 1 health gate fail: a: v2 worse; b: no Prometheus');
  });

  it('has no data when a cluster cannot be judged yet (never a pass)', async () => {
    const g = await judgeWave(
      0,
      [cluster('a'), cluster('b')],
      60,
      judgeBy({ a: verdict('healthy', 'ok'), b: verdict('not-enough-traffic', 'too few') }),
    );
    expect(g.status).toBe('no-data');
  });
});

describe('what each cluster is asked and judged on', () => {
  const seed = release({
    versions: ['v1', 'v2', 'v3'],
    split: [
      ['v1', 80],
      ['v2', 10],
      ['v3', 10],
    ],
  });
  it('a cut-over sends everything to the version, keeping the others at 0%', () => {
    expect(wantedSplit(seed, { kind: 'cutover', version: 'v2' })).toEqual([
      { version: 'v1', weight: 0 },
      { version: 'v2', weight: 100 },
      { version: 'v3', weight: 0 },
    ]);
    expect(changeWords({ kind: 'rollback', version: 'v1' })).toBe('rollback to v1');
    expect(
      changeWords({
        kind: 'split',
        split: [
          { version: 'v1', weight: 50 },
          { version: 'v2', weight: 50 },
        ],
      }),
    ).toBe('split v1 50%, v2 50%');
  });

  it('judges the version whose share rises most against the largest other share now', () => {
    expect(
      gateVersions(seed, [
        { version: 'v1', weight: 40 },
        { version: 'v2', weight: 50 },
        { version: 'v3', weight: 10 },
      ]),
    ).toEqual({
      canary: 'v2',
      stable: 'v1',
    });
    const ahead = release({
      versions: ['v1', 'v2'],
      split: [
        ['v1', 0],
        ['v2', 100],
      ],
    });
    expect(
      gateVersions(ahead, [
        { version: 'v1', weight: 100 },
        { version: 'v2', weight: 0 },
      ]),
    ).toEqual({
      canary: 'v1',
      stable: 'v2',
    });
  });
});
