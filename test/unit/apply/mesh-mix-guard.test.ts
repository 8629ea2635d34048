// The console refuses to create a VirtualService and an HTTPRoute on one service: a plan that
// would (create a VirtualService for a host an HTTPRoute routes, or the reverse) is refused before
// anything is written, with an error naming both objects.

import { describe, expect, it } from 'vitest';
import { createApplyEngine } from '../../../main/core/apply/apply-engine.ts';
import type { EnginePlan } from '../../../main/core/apply/apply-types.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { catalogRoute, storefrontCatalog } from '../../helpers/storefront-objects.ts';
import { createMemoryKube } from './apply-memory-kube-api.ts';

const who = { context: 'demo', user: 'demo-admin' };

const vs = (name: string, host: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'storefront' },
  spec: { hosts: [host], http: [{ route: [{ destination: { host, subset: 'v1' } }] }] },
});

const createPlan = (object: KubeObject): EnginePlan => ({
  releaseId: 'test',
  steps: [
    {
      id: 'create',
      description: `create ${object.kind} ${object.metadata.name}`,
      target: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace ?? 'default',
        name: object.metadata.name,
      },
      action: 'create',
      object,
    },
  ],
});

function setup(seed: KubeObject[]) {
  const kube = createMemoryKube(seed);
  const engine = createApplyEngine({
    api: kube.api,
    verify: kube.verify,
    clock: { now: () => 0, sleep: async () => {} },
    pauseMs: 0,
    verifyTimeoutMs: 1000,
  });
  return { kube, engine };
}

const routesIn = (kube: ReturnType<typeof createMemoryKube>, kind: string) =>
  [...kube.objects.values()].filter((o) => o.kind === kind).map((o) => o.metadata.name);

describe('creating a mix of VirtualService and HTTPRoute on one service', () => {
  it('refuses a VirtualService for the catalog that HTTPRoute catalog routes: clear error, nothing written', async () => {
    const t = setup(storefrontCatalog().filter((o) => o.kind !== 'Namespace'));
    t.kube.calls.length = 0;
    const dry = await t.engine.dryRun(createPlan(vs('catalog', 'catalog')));
    expect(dry.ok).toBe(false);
    const result = await t.engine.apply({ plan: createPlan(vs('catalog', 'catalog')), ...who });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatchObject({
      code: 'invalid-request',
      message: expect.stringMatching(
        /^VirtualService storefront\/catalog would route host catalog\.storefront\.svc\.cluster\.local, which HTTPRoute storefront\/catalog already routes: Istio does not support/,
      ),
    });
    expect(t.kube.calls.filter((c) => c.startsWith('create'))).toEqual([]);
    expect(routesIn(t.kube, 'VirtualService')).toEqual([]);
  });

  it('refuses an HTTPRoute whose parent Service a VirtualService routes', async () => {
    const t = setup([vs('legacy', 'catalog.storefront.svc.cluster.local')]);
    const result = await t.engine.apply({ plan: createPlan(catalogRoute()), ...who });
    expect(result.ok ? '' : result.error.message).toMatch(
      /^HTTPRoute storefront\/catalog would route host .*which VirtualService storefront\/legacy already routes/,
    );
    expect(routesIn(t.kube, 'HTTPRoute')).toEqual([]);
  });

  it('creates a VirtualService for a host no HTTPRoute routes', async () => {
    const t = setup([catalogRoute()]);
    const result = await t.engine.apply({ plan: createPlan(vs('search', 'search')), ...who });
    expect(result.ok).toBe(true);
    expect(routesIn(t.kube, 'VirtualService')).toEqual(['search']);
  });
});
