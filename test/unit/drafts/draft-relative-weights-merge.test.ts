// A saved draft of an HTTPRoute split compared after someone else changed another backendRef's
// weight. Gateway API weights are relative: merged field by field, "their" weight beside "ours"
// made a split neither side asked for (50/50 from our 75/25 and their 25/75); it is a conflict.
import { describe, expect, it } from 'vitest';
import type { EngineStep } from '../../../main/core/apply/apply-types.ts';
import { draftEnginePlan } from '../../../main/core/drafts/draft-apply-plan.ts';
import { compareDraft, keyText } from '../../../main/core/drafts/draft-compare.ts';
import { editDraft, startDraft } from '../../../main/core/drafts/draft-objects.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone, gatewayBackendWeights } from '../../../shared/mesh/model/index.ts';
import { setSplit } from '../../../shared/mesh/plan/index.ts';

const NS = 'storefront';
const ports = [{ name: 'http', port: 8080, targetPort: 8080 }];
const svc = (name: string, rv: string, version?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: NS, resourceVersion: rv },
  spec: { selector: { app: 'search', ...(version ? { version } : {}) }, ports },
});
type Route = KubeObject & {
  spec: {
    parentRefs: unknown[];
    rules: Array<{ backendRefs: Array<{ name: string; port?: number; weight?: number }> }>;
  };
};
const route = (): Route => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'search', namespace: NS, resourceVersion: '10' },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'search', port: 8080 }],
    // 1:1, weights omitted (the spec's default 1), as many operators write it.
    rules: [
      {
        backendRefs: [
          { name: 'search-v1', port: 8080 },
          { name: 'search-v2', port: 8080 },
        ],
      },
    ],
  },
});

describe('a draft of an HTTPRoute split meeting a live change of the other weight', () => {
  it('conflicts rather than applying a split nobody asked for', () => {
    const base = [svc('search', '1'), svc('search-v1', '2', 'v1'), svc('search-v2', '3', 'v2'), route()];
    const started = startDraft({
      id: 'd',
      name: 'search 75/25',
      context: 'demo',
      namespace: NS,
      host: 'search',
      source: 'cache',
      objects: base,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const draft = editDraft(started, (d) =>
      setSplit(d, [
        { version: 'search-v1', weight: 75 },
        { version: 'search-v2', weight: 25 },
      ]),
    );
    // Live, since the draft began: another operator moved to 25/75 by giving search-v2 weight 3.
    const liveRoute = route();
    liveRoute.metadata.resourceVersion = '11';
    liveRoute.spec.rules[0]!.backendRefs[1]!.weight = 3;
    const live = new Map(base.map((o) => [keyText(objectKeyOf(o)), deepClone(o)]));
    live.set(keyText(objectKeyOf(liveRoute)), liveRoute);

    const comparison = compareDraft(draft, live, [], new Date('2026-02-01T00:00:00Z'));
    let shares: number[] | 'conflict' = 'conflict';
    if (comparison.view.ok) {
      const plan = draftEnginePlan(draft, comparison, 'gateway-api:storefront/search');
      const step = plan.steps.find((s) => s.target.kind === 'HTTPRoute') as EngineStep & { patch: never };
      const after = applyJsonPatch(liveRoute, step.patch) as Route;
      shares = gatewayBackendWeights(after.spec.rules[0]!.backendRefs);
    }
    // Draft wanted 75/25, live holds 25/75: before the fix, 50/50 was applied with no conflict shown.
    expect(shares).toBe('conflict');
    expect(comparison.view.ok).toBe(false);
  });
});
