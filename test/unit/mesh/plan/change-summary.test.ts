import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import {
  type ChangeStep,
  splitPhrase,
  summarizeChange,
  undoSummary,
} from '../../../../shared/mesh/plan/index.ts';

// A recorded change read back as the action it was, from the objects before and after it.

function vs(
  weights: Record<string, number>,
  rules: Array<{ name?: string; header: string; value: string; to: string }> = [],
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec: {
      hosts: ['reviews'],
      http: [
        ...rules.map((r) => ({
          ...(r.name ? { name: r.name } : {}),
          match: [{ headers: { [r.header]: { exact: r.value } } }],
          route: [{ destination: { host: 'reviews', subset: r.to } }],
        })),
        {
          route: Object.entries(weights).map(([subset, weight]) => ({
            destination: { host: 'reviews', subset },
            weight,
          })),
        },
      ],
    },
  };
}

const routeStep = (before: KubeObject | null, after: KubeObject | null): ChangeStep => ({
  target: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
  before,
  after,
});

describe('a change in words', () => {
  it('reads a cut-over as switching all traffic', () => {
    const steps = [routeStep(vs({ v1: 90, v3: 10 }), vs({ v1: 0, v3: 100 }))];
    expect(summarizeChange(steps)).toBe('v3 10% → 100% (switch all traffic)');
  });

  it('lists each version whose share moved, the ones that gained first', () => {
    expect(summarizeChange([routeStep(vs({ v1: 90, v2: 10 }), vs({ v1: 80, v2: 20 }))])).toBe(
      'v2 10% → 20%, v1 90% → 80%',
    );
    expect(splitPhrase([{ version: 'v1', weight: 100 }], [{ version: 'v1', weight: 100 }])).toBeUndefined();
  });

  it('names rules added, removed and changed, by their conditions', () => {
    const before = vs({ v1: 100 }, [{ name: 'beta', header: 'x-beta', value: '1', to: 'v2' }]);
    const added = vs({ v1: 100 }, [
      { name: 'beta', header: 'x-beta', value: '1', to: 'v2' },
      { header: 'x-canary', value: 'always', to: 'v3' },
    ]);
    expect(summarizeChange([routeStep(before, added)])).toBe('added rule header:x-canary=always → v3');
    expect(summarizeChange([routeStep(added, before)])).toBe('removed rule header:x-canary=always → v3');
    const changed = vs({ v1: 100 }, [{ name: 'beta', header: 'x-beta', value: '2', to: 'v2' }]);
    expect(summarizeChange([routeStep(before, changed)])).toBe(
      "changed rule 'beta' header:x-beta=1 → v2 to header:x-beta=2 → v2",
    );
  });

  it('says reordered when only the order of the rules changed', () => {
    const a = { name: 'a', header: 'x-a', value: '1', to: 'v2' };
    const b = { name: 'b', header: 'x-b', value: '1', to: 'v3' };
    expect(summarizeChange([routeStep(vs({ v1: 100 }, [a, b]), vs({ v1: 100 }, [b, a]))])).toBe(
      'reordered the rules',
    );
  });

  it('reads subsets declared or removed, and Deployments created or scaled', () => {
    const dr = (subsets: string[]): KubeObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { host: 'reviews', subsets: subsets.map((name) => ({ name, labels: { version: name } })) },
    });
    const dep = (replicas: number): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v4', namespace: 'bookinfo' },
      spec: { replicas },
    });
    const drTarget = { kind: 'DestinationRule', namespace: 'bookinfo', name: 'reviews' };
    const depTarget = { kind: 'Deployment', namespace: 'bookinfo', name: 'reviews-v4' };
    expect(
      summarizeChange([
        { target: depTarget, before: null, after: dep(2) },
        { target: drTarget, before: dr(['v1', 'v3']), after: dr(['v1', 'v3', 'v4']) },
      ]),
    ).toBe('created Deployment reviews-v4 (2 replicas); declared subset v4');
    expect(summarizeChange([{ target: depTarget, before: dep(2), after: dep(0) }])).toBe(
      'scaled reviews-v4 2 → 0 replicas',
    );
    expect(summarizeChange([{ target: drTarget, before: dr(['v1', 'v2']), after: dr(['v1']) }])).toBe(
      'removed subset v2',
    );
  });

  it('says what an undo undid', () => {
    expect(undoSummary('v3 10% → 100% (switch all traffic)', 'v3 100% → 10%')).toBe(
      'Undid “v3 10% → 100% (switch all traffic)”: v3 100% → 10%',
    );
    expect(undoSummary('declared subset v4', '')).toBe('Undid “declared subset v4”');
  });
});
