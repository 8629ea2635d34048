// A backendRef of an HTTPRoute into another namespace needs a ReferenceGrant in that namespace
// (from HTTPRoutes of the route's namespace, to that Service or every Service). Gateway API
// (HTTPBackendRef): a ref "not permitted by any ReferenceGrant" is invalid, and "500 status code MUST
// be returned for requests that would have been routed to an invalid backend". The reader shows
// such a version as one that cannot take traffic, the planner refuses to send it any, and the
// evaluator answers 500 for the requests routed to it.
import { describe, expect, it } from 'vitest';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import { compileHTTPRoute, serviceKeys } from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../../../shared/mesh/plan/index.ts';
import { backendRefPermitted, readReleases, referenceGrantsOf } from '../../../../shared/mesh/read/index.ts';
import { checkoutService, crossNamespaceRoute } from '../../../helpers/cross-namespace-route.ts';

const engine = re2Engine();
const svc = checkoutService;
const route = crossNamespaceRoute(0);
const grant = (
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  apiVersion = 'gateway.networking.k8s.io/v1beta1',
): KubeObject => ({
  apiVersion,
  kind: 'ReferenceGrant',
  metadata: { name: 'shop-to-canary', namespace: 'canary', resourceVersion: '2' },
  spec: { from: [from], to: [to] },
});
const fromShop = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' };
const toServices = { group: '', kind: 'Service' };
const services = [svc('shop', 'checkout-v1', 'v1'), svc('canary', 'checkout-v2', 'v2')];
const fiftyFifty = (objects: KubeObject[]) => {
  const [r] = readReleases(objects).filter((x) => x.flavor === 'gateway-api');
  return planRelease(
    r!,
    setSplit(r!, [
      { version: 'checkout-v1', weight: 50 },
      { version: 'canary/checkout-v2', weight: 50 },
    ]),
    objects,
  );
};
/** What the request gets when the weighted pick falls on the canary backend. */
const canaryOutcome = (objects: KubeObject[]) => {
  const withShare = structuredClone(route);
  (withShare.spec as { rules: Array<{ backendRefs: Array<{ weight: number }> }> }).rules[0]!
    .backendRefs[1]!.weight = 1;
  const router = compileHTTPRoute(withShare, {
    engine,
    services: serviceKeys(objects),
    referenceGrants: referenceGrantsOf(objects),
  });
  const o = router.route({ path: '/' }, 0.99);
  return o.kind === 'route' ? `route ${o.version}` : `${o.kind} ${'status' in o ? o.status : ''}`;
};

describe('a backendRef into another namespace without a ReferenceGrant', () => {
  const objects = [...services, route]; // no ReferenceGrant in namespace canary

  it('is a version that cannot take traffic, saying why', () => {
    const [r] = readReleases(objects).filter((x) => x.flavor === 'gateway-api');
    const v = r!.versions.find((x) => x.name === 'canary/checkout-v2')!;
    expect(v.declared).toBe(false);
    expect(v.unroutable).toMatch(
      /no ReferenceGrant in namespace canary .* HTTPRoutes in shop .* checkout-v2/,
    );
    expect(r!.editable).toBe(true); // weights may still move off it
    expect(() => fiftyFifty(objects)).toThrow(/cannot take traffic: no ReferenceGrant/);
  });

  it('answers 500 in the evaluation (preview) for the requests routed to it', () => {
    expect(canaryOutcome(objects)).toBe('directResponse 500');
    // The router given only the Services knows the cluster: no grants means none exist.
    const withShare = structuredClone(route);
    (withShare.spec as { rules: Array<{ backendRefs: Array<{ weight: number }> }> }).rules[0]!
      .backendRefs[1]!.weight = 1;
    const o = compileHTTPRoute(withShare, { engine, services: serviceKeys(objects) }).route(
      { path: '/' },
      0.99,
    );
    expect(o.kind === 'directResponse' && o.status).toBe(500);
  });
});

describe('a ReferenceGrant', () => {
  it('permits the reference: the version takes traffic, and the grant is among the sources', () => {
    for (const apiVersion of ['gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1']) {
      const objects = [...services, grant(fromShop, toServices, apiVersion), route];
      const [r] = readReleases(objects).filter((x) => x.flavor === 'gateway-api');
      const v = r!.versions.find((x) => x.name === 'canary/checkout-v2')!;
      expect(v.declared).toBe(true);
      expect(v.unroutable).toBeUndefined();
      expect(r!.sources.some((s) => s.kind === 'ReferenceGrant' && s.namespace === 'canary')).toBe(true);
      expect(fiftyFifty(objects).steps).toHaveLength(1);
      expect(canaryOutcome(objects)).toBe('route canary/checkout-v2');
    }
  });

  it('permits only what it names: the route namespace and kind, the Service (or every Service)', () => {
    const permits = (from: Record<string, unknown>, to: Record<string, unknown>) =>
      backendRefPermitted(referenceGrantsOf([grant(from, to)]), 'shop', 'canary', 'checkout-v2');
    expect(permits(fromShop, toServices)).toBe(true);
    expect(permits(fromShop, { ...toServices, name: 'checkout-v2' })).toBe(true);
    expect(permits(fromShop, { ...toServices, name: 'checkout-v3' })).toBe(false);
    expect(permits({ ...fromShop, namespace: 'other' }, toServices)).toBe(false);
    expect(permits({ ...fromShop, kind: 'GRPCRoute' }, toServices)).toBe(false);
    expect(permits(fromShop, { group: 'multicluster.x-k8s.io', kind: 'ServiceImport' })).toBe(false);
    // A grant lives in the namespace of what it opens up: one in the route's namespace does nothing.
    const elsewhere = { ...grant(fromShop, toServices), metadata: { name: 'g', namespace: 'shop' } };
    expect(backendRefPermitted(referenceGrantsOf([elsewhere]), 'shop', 'canary', 'checkout-v2')).toBe(false);
    // Within the route's own namespace no grant is needed.
    expect(backendRefPermitted(new Map(), 'shop', 'shop', 'checkout-v1')).toBe(true);
  });
});

describe('where the grants are not known', () => {
  const canaryVersion = (objects: KubeObject[], opts = {}) =>
    readReleases(objects, opts)
      .find((r) => r.flavor === 'gateway-api')
      ?.versions.find((v) => v.name === 'canary/checkout-v2');

  it('a reader not given the cluster’s grants (its user may not list them) does not judge', () => {
    const v = canaryVersion([...services, route], { referenceGrantsUnknown: true });
    expect(v).toMatchObject({ declared: true });
    expect(v?.unroutable).toBeUndefined();
  });

  it('a Service whose namespace is not in view (not among the objects) is not judged either', () => {
    const v = canaryVersion([svc('shop', 'checkout-v1', 'v1'), route]);
    expect(v).toMatchObject({ declared: true });
    expect(v?.unroutable).toBeUndefined();
  });
});
