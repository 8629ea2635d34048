import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideFleet,
  type FleetDecision,
  FleetPlanError,
  type FleetRunState,
  type PreflightOutcome,
  planWaves,
  type WavePlan,
} from '../../../shared/fleet/index.ts';

const ready: PreflightOutcome = { kind: 'ready' };
const allReady = (clusters: string[]) => Object.fromEntries(clusters.map((c) => [c, ready]));
const five = ['eu-1', 'us-1', 'ap-1', 'eu-2', 'us-2'];

describe('planning the waves', () => {
  it('changes the canary alone first, then the rest in the fleet’s order in batches of at most the limit', () => {
    const plan = planWaves({ clusters: five, canary: 'ap-1', maxParallel: 2, preflight: allReady(five) });
    expect(plan.waves).toEqual([['ap-1'], ['eu-1', 'us-1'], ['eu-2', 'us-2']]);
    expect(plan.skipped).toEqual([]);
  });

  it('skips clusters that cannot take the change, each with its reason, and plans the others', () => {
    const plan = planWaves({
      clusters: five,
      canary: 'eu-1',
      maxParallel: 1,
      preflight: {
        ...allReady(five),
        'us-1': { kind: 'unreachable', reason: 'connection refused' },
        'ap-1': { kind: 'version-missing', versions: ['v3'] },
        'eu-2': { kind: 'read-only', reason: 'the context may not patch VirtualServices' },
        'us-2': { kind: 'conflict', reason: 'reviews changed since the plan' },
      },
    });
    expect(plan.waves).toEqual([['eu-1']]);
    expect(plan.skipped).toEqual([
      { cluster: 'us-1', kind: 'unreachable', reason: 'us-1 is unreachable: connection refused' },
      { cluster: 'ap-1', kind: 'version-missing', reason: 'ap-1 lacks version v3' },
      {
        cluster: 'eu-2',
        kind: 'read-only',
        reason: 'eu-2 is read-only: the context may not patch VirtualServices',
      },
      {
        cluster: 'us-2',
        kind: 'conflict',
        reason: 'us-2 has a conflicting live change: reviews changed since the plan',
      },
    ]);
  });

  it('says a cluster without the service has none', () => {
    const plan = planWaves({
      clusters: ['a', 'b'],
      canary: 'a',
      maxParallel: 1,
      preflight: { a: ready, b: { kind: 'service-missing', host: 'reviews.bookinfo.svc.cluster.local' } },
    });
    expect(plan.skipped).toEqual([
      {
        cluster: 'b',
        kind: 'service-missing',
        reason: 'b has no service reviews.bookinfo.svc.cluster.local',
      },
    ]);
  });

  it('refuses bad input with a specific error', () => {
    const base = { clusters: five, canary: 'eu-1', maxParallel: 2, preflight: allReady(five) };
    expect(() => planWaves({ ...base, clusters: [] })).toThrow('at least one cluster');
    expect(() => planWaves({ ...base, clusters: ['eu-1', 'eu-1'] })).toThrow(
      "cluster 'eu-1' is listed twice",
    );
    expect(() => planWaves({ ...base, maxParallel: 0 })).toThrow('at least 1, got 0');
    expect(() => planWaves({ ...base, maxParallel: 1.5 })).toThrow(FleetPlanError);
    expect(() => planWaves({ ...base, canary: 'mars-1' })).toThrow(
      "the canary cluster 'mars-1' is not in the fleet",
    );
    expect(() => planWaves({ ...base, preflight: { 'eu-1': ready } })).toThrow(
      "cluster 'us-1' has no preflight outcome",
    );
    expect(() =>
      planWaves({
        ...base,
        preflight: { ...base.preflight, 'eu-1': { kind: 'unreachable', reason: 'timeout' } },
      }),
    ).toThrow(
      'the canary cluster cannot take the change (eu-1 is unreachable: timeout); pick another canary',
    );
  });
});

describe('deciding what a running fleet release does next', () => {
  const plan: WavePlan = { waves: [['a'], ['b', 'c'], ['d']], skipped: [] };
  const opts = { holdMs: 60_000, gate: true };

  it('applies the canary wave first, holds, asks for the gate, then applies the next wave', () => {
    expect(decideFleet(plan, { applied: [] }, 0, opts)).toEqual({
      kind: 'apply-wave',
      wave: 0,
      clusters: ['a'],
    });
    expect(decideFleet(plan, { applied: ['a'], holdStartedAt: 1000 }, 31_000, opts)).toEqual({
      kind: 'hold',
      wave: 0,
      remainingMs: 30_000,
      endsAt: 61_000,
    });
    expect(decideFleet(plan, { applied: ['a'], holdStartedAt: 1000 }, 61_000, opts)).toEqual({
      kind: 'judge',
      wave: 0,
      clusters: ['a'],
    });
    const passed: FleetRunState = {
      applied: ['a'],
      holdStartedAt: 1000,
      gate: { wave: 0, status: 'pass', reason: 'ok' },
    };
    expect(decideFleet(plan, passed, 61_000, opts)).toEqual({
      kind: 'apply-wave',
      wave: 1,
      clusters: ['b', 'c'],
    });
  });

  it('does not reuse an earlier wave’s gate for a later wave', () => {
    const state: FleetRunState = {
      applied: ['a', 'b', 'c'],
      holdStartedAt: 0,
      gate: { wave: 0, status: 'pass', reason: 'ok' },
    };
    expect(decideFleet(plan, state, 60_000, opts)).toEqual({ kind: 'judge', wave: 1, clusters: ['b', 'c'] });
  });

  it('waits for data when the gate cannot judge yet, and stops on a failing gate', () => {
    const base: FleetRunState = { applied: ['a'], holdStartedAt: 0 };
    expect(
      decideFleet(
        plan,
        { ...base, gate: { wave: 0, status: 'no-data', reason: 'too few requests' } },
        60_000,
        opts,
      ),
    ).toEqual({ kind: 'wait-for-data', wave: 0, reason: 'too few requests' });
    expect(
      decideFleet(
        plan,
        { ...base, gate: { wave: 0, status: 'fail', reason: 'success rate 90%' } },
        60_000,
        opts,
      ),
    ).toEqual({ kind: 'await-choice', reason: 'success rate 90%', changed: ['a'] });
  });

  it('without a gate, the hold alone separates the waves; the last wave is not held', () => {
    const noGate = { holdMs: 0, gate: false };
    expect(decideFleet(plan, { applied: ['a'], holdStartedAt: 5 }, 5, noGate).kind).toBe('apply-wave');
    expect(decideFleet(plan, { applied: ['a', 'b', 'c', 'd'], holdStartedAt: 5 }, 5, noGate)).toEqual({
      kind: 'finished',
      outcome: 'completed',
    });
  });

  it('after a failure waits for the operator: roll back all (newest first) or keep', () => {
    const failed: FleetRunState = {
      applied: ['a', 'b'],
      failure: { wave: 1, cluster: 'c', reason: 'c: 409 Conflict' },
    };
    expect(decideFleet(plan, failed, 0, opts)).toEqual({
      kind: 'await-choice',
      reason: 'c: 409 Conflict',
      changed: ['a', 'b'],
    });
    expect(decideFleet(plan, { ...failed, choice: 'roll-back-all' }, 0, opts)).toEqual({
      kind: 'roll-back',
      clusters: ['b', 'a'],
    });
    expect(decideFleet(plan, { ...failed, choice: 'roll-back-all', rolledBack: true }, 0, opts)).toEqual({
      kind: 'finished',
      outcome: 'rolled-back',
    });
    expect(decideFleet(plan, { ...failed, choice: 'keep' }, 0, opts)).toEqual({
      kind: 'finished',
      outcome: 'kept',
    });
    expect(
      decideFleet(plan, { applied: ['a'], stopped: { reason: 'stopped by the operator' } }, 0, opts).kind,
    ).toBe('await-choice');
  });
});

const arbFleet = fc
  .uniqueArray(fc.stringMatching(/^[a-z]{1,4}-[0-9]$/), { minLength: 1, maxLength: 12 })
  .chain((clusters) =>
    fc.record({
      clusters: fc.constant(clusters),
      canary: fc.constantFrom(...clusters),
      maxParallel: fc.integer({ min: 1, max: 5 }),
      outcomes: fc.array(
        fc.constantFrom<PreflightOutcome>(
          ready,
          ready,
          ready,
          { kind: 'unreachable', reason: 'refused' },
          { kind: 'read-only', reason: 'viewer' },
          { kind: 'version-missing', versions: ['v2'] },
          { kind: 'conflict', reason: '409' },
          { kind: 'service-missing', host: 'reviews.bookinfo.svc.cluster.local' },
        ),
        { minLength: clusters.length, maxLength: clusters.length },
      ),
    }),
  )
  .map(({ clusters, canary, maxParallel, outcomes }) => ({
    clusters,
    canary,
    maxParallel,
    preflight: Object.fromEntries(clusters.map((c, i) => [c, c === canary ? ready : (outcomes[i] ?? ready)])),
  }));

describe('waves, as properties', () => {
  it('every cluster not skipped is in exactly one wave, and every skipped one in none', () => {
    fc.assert(
      fc.property(arbFleet, (input) => {
        const plan = planWaves(input);
        const inWaves = plan.waves.flat();
        const skipped = plan.skipped.map((s) => s.cluster);
        expect(new Set(inWaves).size).toBe(inWaves.length);
        expect([...inWaves, ...skipped].sort()).toEqual([...input.clusters].sort());
        for (const c of skipped) expect(input.preflight[c]?.kind).not.toBe('ready');
        for (const c of inWaves) expect(input.preflight[c]?.kind).toBe('ready');
      }),
    );
  });

  it('no wave exceeds the limit, and the canary is alone in wave 1', () => {
    fc.assert(
      fc.property(arbFleet, (input) => {
        const plan = planWaves(input);
        expect(plan.waves[0]).toEqual([input.canary]);
        for (const w of plan.waves) {
          expect(w.length).toBeGreaterThan(0);
          expect(w.length).toBeLessThanOrEqual(input.maxParallel);
        }
      }),
    );
  });

  it('a failure (a cluster’s apply or a gate) never lets a later wave start', () => {
    fc.assert(
      fc.property(
        arbFleet,
        fc.array(fc.boolean(), { maxLength: 12 }),
        fc.array(fc.constantFrom<'pass' | 'fail'>('pass', 'pass', 'fail'), { maxLength: 12 }),
        (input, applyFails, gates) => {
          const plan = planWaves(input);
          const state: FleetRunState = { applied: [] };
          const opts = { holdMs: 10, gate: true };
          let now = 0;
          let failedAtWave: number | undefined;
          let k = 0;
          for (let guard = 0; guard < 100; guard++) {
            const d: FleetDecision = decideFleet(plan, state, now, opts);
            if (d.kind === 'apply-wave') {
              expect(failedAtWave).toBeUndefined();
              for (const c of d.clusters) {
                if (applyFails[k++]) {
                  state.failure = { wave: d.wave, cluster: c, reason: `${c} failed` };
                  failedAtWave = d.wave;
                  break;
                }
                state.applied.push(c);
              }
              state.holdStartedAt = now;
            } else if (d.kind === 'hold') now = d.endsAt;
            else if (d.kind === 'judge') {
              const status = gates[d.wave] ?? 'pass';
              state.gate = { wave: d.wave, status, reason: status };
              if (status === 'fail') failedAtWave = d.wave;
            } else {
              if (failedAtWave !== undefined) expect(d.kind).toBe('await-choice');
              else expect(d).toEqual({ kind: 'finished', outcome: 'completed' });
              break;
            }
          }
          const applied = new Set(state.applied);
          if (failedAtWave !== undefined) {
            for (const w of plan.waves.slice(failedAtWave + 1))
              for (const c of w) expect(applied.has(c)).toBe(false);
          } else expect(applied.size).toBe(plan.waves.flat().length);
        },
      ),
    );
  });
});
