// A weight plan on an HTTPRoute made before someone else changed the route's weights: its
// relative weights mean something only together, so the apply must conflict, not merge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../../shared/mesh/plan/index.ts';
import { readGatewayApiReleases } from '../../../shared/mesh/read/index.ts';
import type { Harness } from './demo-harness.ts';
import { startHarness } from './demo-harness.ts';

const who = { context: 'demo-admin', user: 'demo-admin' };
const ref = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  namespace: 'storefront',
  name: 'catalog',
};
type Route = KubeObject & {
  spec: { rules: Array<{ matches?: unknown; backendRefs: Array<Record<string, unknown>> }> };
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ namespaces: ['storefront'], demo: { requestsPerSecond: 0 } });
});
afterAll(async () => {
  await h?.stop();
});

/** A direct write to the demo's store: another operator. */
function otherWriter(edit: (r: Route) => void): void {
  const type = h.demo.store.typeFor(ref.apiVersion, ref.kind)!;
  const cur = structuredClone(h.demo.store.get(type, 'storefront', 'catalog')) as Route;
  edit(cur);
  h.demo.store.update(cur, { manager: 'someone-else' });
}
const catchAll = (r: Route) => r.spec.rules.find((x) => x.matches === undefined)!;
const release = () =>
  readGatewayApiReleases(h.objects('storefront')).find((r) => r.id === 'gateway-api:storefront/catalog')!;
async function waitForCache() {
  const type = h.demo.store.typeFor(ref.apiVersion, ref.kind)!;
  for (let i = 0; i < 200; i++) {
    const want = JSON.stringify((h.demo.store.get(type, 'storefront', 'catalog') as Route).spec);
    const o = h.objects('storefront').find((x) => x.kind === 'HTTPRoute' && x.metadata.name === 'catalog');
    if (o && JSON.stringify(o.spec) === want) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('cache did not catch up');
}

describe('HTTPRoute weight plan vs a concurrent change of the route', () => {
  it('does not silently overwrite another operator’s weights (omitted weights: plan adds, no test)', async () => {
    // The route as an operator wrote it: 1:1, weights omitted.
    otherWriter((r) => {
      catchAll(r).backendRefs = [
        { name: 'catalog-v1', port: 8080 },
        { name: 'catalog-v2', port: 8080 },
      ];
    });
    await waitForCache();
    const rel = release();
    expect(rel.defaultRoute?.destinations.map((d) => d.weight)).toEqual([50, 50]);
    // We plan all traffic to v1 (100/0).
    const objects = h.objects('storefront');
    const plan = planRelease(rel, setSplit(rel, [{ version: 'catalog-v1', weight: 100 }]), objects);

    // Meanwhile someone else moves all traffic to v2 (0:1).
    otherWriter((r) => {
      catchAll(r).backendRefs = [
        { name: 'catalog-v1', port: 8080, weight: 0 },
        { name: 'catalog-v2', port: 8080, weight: 1 },
      ];
    });

    const result = await h.engine.apply({ plan, objects, ...who });
    const live = (await h.api.get(ref)) as Route;
    // Either the apply stops with a conflict (their change stays), or it did not touch their fields.
    expect(
      { ok: result.ok, weights: catchAll(live).backendRefs.map((b) => b.weight) },
      'the other operator set 0:1; our plan made at 1:1 must not replace it unseen',
    ).toEqual({ ok: false, weights: [0, 1] });
  });

  it('does not merge a stale split with a concurrent change of an untouched weight into a split nobody asked for', async () => {
    otherWriter((r) => {
      catchAll(r).backendRefs = [
        { name: 'catalog-v1', port: 8080, weight: 8 },
        { name: 'catalog-v2', port: 8080, weight: 2 },
        { name: 'catalog-v3', port: 8080, weight: 0 },
      ];
    });
    await waitForCache();
    const rel = release();
    expect(rel.defaultRoute?.destinations.map((d) => d.weight)).toEqual([80, 20, 0]);
    // We move v1 to 60%, v2 to 40% (v3 keeps its 0: not written, not tested).
    const objects = h.objects('storefront');
    const plan = planRelease(
      rel,
      setSplit(rel, [
        { version: 'catalog-v1', weight: 60 },
        { version: 'catalog-v2', weight: 40 },
      ]),
      objects,
    );
    // Meanwhile someone else sends half the traffic to v3.
    otherWriter((r) => {
      catchAll(r).backendRefs[2]!.weight = 10;
    });
    const result = await h.engine.apply({ plan, objects, ...who });
    const live = (await h.api.get(ref)) as Route;
    const w = catchAll(live).backendRefs.map((b) => b.weight as number);
    const sum = w.reduce((a, b) => a + b, 0);
    // Expected: a conflict, their 8:2:10 (40/10/50) left alone. Got: "applied", 6:4:10 = 30/20/50.
    expect({ ok: result.ok, percent: w.map((x) => Math.round((100 * x) / sum)) }).toEqual({
      ok: false,
      percent: [40, 10, 50],
    });
  });
});
