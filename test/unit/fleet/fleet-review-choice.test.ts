import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  connectedContexts,
  type FleetWaveChoice,
  fleetPlanRequest,
  fleetRunWords,
} from '../../../shared/fleet/index.ts';

const target = { namespace: 'bookinfo', host: 'reviews.bookinfo.svc.cluster.local' };
const waves: FleetWaveChoice = {
  contexts: ['kube:eu', 'kube:us', 'kube:ap'],
  canary: 'kube:us',
  maxParallel: 2,
  holdSeconds: 30,
  gate: true,
};

describe('the fleet review choices', () => {
  it('makes a cut-over request with the canary, the limit, the hold and the gate', () => {
    expect(fleetPlanRequest(target, { kind: 'cutover', version: 'v2' }, waves)).toEqual({
      ok: true,
      request: {
        contexts: ['kube:eu', 'kube:us', 'kube:ap'],
        namespace: 'bookinfo',
        host: target.host,
        change: { kind: 'cutover', version: 'v2' },
        canary: 'kube:us',
        maxParallel: 2,
        holdSeconds: 30,
        gate: true,
      },
    });
  });

  it('makes a request applying a saved draft, and refuses one naming no draft', () => {
    const r = fleetPlanRequest(target, { kind: 'draft', draftId: 'reviews-abc' }, waves);
    expect(r.ok && r.request.change).toEqual({ kind: 'draft', draftId: 'reviews-abc' });
    expect(fleetPlanRequest(target, { kind: 'draft', draftId: ' ' }, waves)).toEqual({
      ok: false,
      error: 'choose the draft to apply',
    });
  });

  it('leaves the canary to main when none is chosen', () => {
    const r = fleetPlanRequest(target, { kind: 'cutover', version: 'v1' }, { ...waves, canary: '' });
    expect(r.ok && 'canary' in r.request).toBe(false);
  });

  it('accepts any split of whole weights adding up to 100 (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }), (cuts) => {
        // Weights between sorted cut points of 0..100: they always sum to 100.
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), 100];
        const split = bounds.slice(1).map((b, i) => ({ version: `v${i + 1}`, weight: b - (bounds[i] ?? 0) }));
        const r = fleetPlanRequest(target, { kind: 'split', split }, waves);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.request.change).toEqual({ kind: 'split', split });
      }),
    );
  });

  it('refuses a split that does not add up to 100, naming the sum (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }), (weights) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        fc.pre(sum !== 100);
        const split = weights.map((weight, i) => ({ version: `v${i + 1}`, weight }));
        expect(fleetPlanRequest(target, { kind: 'split', split }, waves)).toEqual({
          ok: false,
          error: `the split's weights add up to ${sum}%, not 100%`,
        });
      }),
    );
  });

  it('says what is wrong with a bad choice, one sentence each', () => {
    const cut = { kind: 'cutover' as const, version: 'v2' };
    const err = (r: ReturnType<typeof fleetPlanRequest>) => (r.ok ? 'ok' : r.error);
    expect(err(fleetPlanRequest(target, { kind: 'cutover', version: ' ' }, waves))).toBe(
      'choose the version every cluster is cut over to',
    );
    expect(
      err(
        fleetPlanRequest(
          target,
          {
            kind: 'split',
            split: [
              { version: 'v1', weight: 50 },
              { version: 'v1', weight: 50 },
            ],
          },
          waves,
        ),
      ),
    ).toBe('version v1 is in the split twice');
    expect(
      err(fleetPlanRequest(target, { kind: 'split', split: [{ version: 'v1', weight: 99.5 }] }, waves)),
    ).toBe('the weight of v1 must be a whole number from 0 to 100, not 99.5');
    expect(err(fleetPlanRequest(target, cut, { ...waves, contexts: [] }))).toBe(
      'the fleet has no cluster: pick at least one context',
    );
    expect(err(fleetPlanRequest(target, cut, { ...waves, canary: 'kube:other' }))).toBe(
      "the canary cluster kube:other is not one of the fleet's clusters",
    );
    expect(err(fleetPlanRequest(target, cut, { ...waves, maxParallel: 4 }))).toBe(
      'clusters changed at once must be a whole number from 1 to 3, not 4',
    );
    expect(err(fleetPlanRequest(target, cut, { ...waves, holdSeconds: -1 }))).toBe(
      'the hold must be a whole number of seconds from 0 to 3600, not -1',
    );
    expect(err(fleetPlanRequest(target, cut, { ...waves, contexts: ['a', 'a'], canary: '' }))).toBe(
      'a context is in the fleet twice',
    );
  });

  it('uses the connected and read-only contexts ad hoc, not the offline ones', () => {
    expect(
      connectedContexts([
        { id: 'a', status: 'connected' },
        { id: 'b', status: 'error' },
        { id: 'c', status: 'read-only' },
        { id: 'd', status: 'disconnected' },
      ]),
    ).toEqual(['a', 'c']);
  });

  it('says where a run is in words', () => {
    const run = { waves: [['a'], ['b'], ['c']], wavesApplied: 1 };
    expect(fleetRunWords({ ...run, state: 'holding', holdEndsAt: 10_500 }, 1_000)).toBe(
      '1 of 3 waves applied; holding 10 s before the next wave',
    );
    expect(fleetRunWords({ ...run, state: 'running' }, 0)).toBe('1 of 3 waves applied; applying wave 2');
    expect(fleetRunWords({ ...run, state: 'stopped', stopReason: 'b failed: conflict' }, 0)).toBe(
      'Stopped after 1 of 3 waves applied: b failed: conflict. Roll back all or keep the changed clusters.',
    );
    expect(fleetRunWords({ ...run, wavesApplied: 3, state: 'completed' }, 0)).toBe(
      'Completed: all 3 waves applied',
    );
  });
});
