// A draft's new version on a Gateway API route: the Deployment and the version's Service recorded
// as objects to create, the backendRef at weight 0, and applying it in that order (Deployment,
// Service, then the route); no traffic to it until it exists.

import { describe, expect, it } from 'vitest';
import type { EngineStep } from '../../../main/core/apply/apply-types.ts';
import { draftEnginePlan } from '../../../main/core/drafts/draft-apply-plan.ts';
import { compareDraft, keyText } from '../../../main/core/drafts/draft-compare.ts';
import {
  refuseTrafficToNewVersions,
  withNewVersion,
  withoutNewVersion,
} from '../../../main/core/drafts/draft-new-version.ts';
import { draftObjects, editDraft, releaseIn, startDraft } from '../../../main/core/drafts/draft-objects.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone } from '../../../shared/mesh/model/index.ts';

const NS = 'storefront';
const labels = { app: 'search', version: 'v1' };
const ports = [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }];
const meta = (name: string, rv: string, l?: Record<string, string>) => ({
  name,
  namespace: NS,
  resourceVersion: rv,
  ...(l ? { labels: l } : {}),
});

function objects(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('search', '1'),
      spec: { selector: { app: 'search' }, ports },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('search-v1', '2', labels),
      spec: { selector: labels, ports },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('search-v1', '3', labels),
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'search', image: 'search:2.0.0' }] } },
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta('search', '4'),
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: 'search', port: 8080 }],
        rules: [{ backendRefs: [{ name: 'search-v1', port: 8080, weight: 1 }] }],
      },
    },
  ];
}

const draft = () =>
  startDraft({
    id: 'search-new',
    name: 'Search v2',
    context: 'demo',
    namespace: NS,
    host: 'search',
    source: 'cache',
    objects: objects(),
    now: new Date('2026-01-01T00:00:00Z'),
  });

describe('a new version in a draft of a Gateway API route', () => {
  it('records the Deployment and the Service to create and lists the Service at weight 0', () => {
    const d = withNewVersion(draft(), { version: 'v2', image: 'search:2.1.0' });
    expect(d.newVersion).toEqual({
      version: 'search-v2',
      fromVersion: 'search-v1',
      image: 'search:2.1.0',
      deployment: 'search-v2',
      service: 'search-v2',
    });
    expect(d.newObjects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/search-v2',
      'Service/search-v2',
    ]);
    expect((d.newObjects[1]!.spec as { selector: unknown }).selector).toEqual({
      app: 'search',
      version: 'v2',
    });
    const release = releaseIn(draftObjects(d), NS, 'search');
    expect(release?.defaultRoute?.destinations.map((x) => [x.version, x.weight])).toEqual([
      ['search-v1', 100],
      ['search-v2', 0],
    ]);
    // No traffic to a version the draft creates; taking it out drops both objects and its backendRef.
    const routed = editDraft(d, (x) => ({
      ...x,
      split: [
        { version: 'search-v1', weight: 90 },
        { version: 'search-v2', weight: 10 },
      ],
    }));
    expect(() => refuseTrafficToNewVersions(routed)).toThrow(/search-v2 is created by this draft/);
    const without = withoutNewVersion(d);
    expect(without.newObjects).toEqual([]);
    expect(
      releaseIn(draftObjects(without), NS, 'search')?.defaultRoute?.destinations.map((x) => x.version),
    ).toEqual(['search-v1']);
  });

  it('applies Deployment, then Service, then the route with the backendRef at 0', () => {
    const d = withNewVersion(draft(), { version: 'v2', image: 'search:2.1.0' });
    const live = new Map(d.base.objects.map((o) => [keyText(objectKeyOf(o)), deepClone(o)]));
    const comparison = compareDraft(d, live, [], new Date('2026-02-01T00:00:00Z'));
    expect(comparison.view.ok).toBe(true);
    const plan = draftEnginePlan(d, comparison, 'gateway-api:storefront/search');
    expect(plan.steps.map((s) => `${s.action ?? 'patch'} ${keyText(s.target)}`)).toEqual([
      'create Deployment/storefront/search-v2',
      'create Service/storefront/search-v2',
      'patch HTTPRoute/storefront/search',
    ]);
    const routeStep = plan.steps[2] as EngineStep & { patch: never };
    const after = applyJsonPatch(live.get('HTTPRoute/storefront/search')!, routeStep.patch);
    const refs = (after.spec as { rules: Array<{ backendRefs: Array<{ name: string; weight: number }> }> })
      .rules[0]!.backendRefs;
    expect(refs.find((r) => r.name === 'search-v2')).toEqual({ name: 'search-v2', port: 8080, weight: 0 });
  });

  it('refuses a version whose Service exists already, naming it', () => {
    const taken = startDraft({
      id: 'search-new',
      name: 'Search v2',
      context: 'demo',
      namespace: NS,
      host: 'search',
      source: 'cache',
      objects: [
        ...objects(),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta('search-v3', '9'),
          spec: { selector: { app: 'other', version: 'v3' }, ports },
        },
      ],
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(() => withNewVersion(taken, { version: 'v3', image: 'search:3' })).toThrow(
      /a Service named storefront\/search-v3 already exists in the draft/,
    );
  });
});
