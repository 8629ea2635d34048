import { describe, expect, it } from 'vitest';
import {
  gatewayStatus,
  httpRouteStatus,
  ISTIO_GATEWAY_CONTROLLER,
  type StatusWorld,
} from '../../../main/demo/sim/gateway-api-status.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { referenceGrantsOf } from '../../../shared/mesh/read/index.ts';

const T0 = Date.parse('2026-12-05T10:00:00Z');
const T1 = T0 + 60_000;

const service = (ns: string, name: string, clusterIP = '10.96.0.9'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { clusterIP, ports: [{ port: 80 }] },
});

const gateway = (ns: string, name: string, cls: string, hostname?: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: ns, generation: 2 },
  spec: {
    gatewayClassName: cls,
    listeners: [{ name: 'http', port: 80, protocol: 'HTTP', ...(hostname ? { hostname } : {}) }],
  },
});

function world(services: KubeObject[], gateways: KubeObject[] = []): StatusWorld {
  const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  return {
    services: new Map(services.map((s) => [key(s), s])),
    gateways: new Map(gateways.map((g) => [key(g), g])),
  };
}

function route(backends: string[], parentRefs: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'catalog', namespace: 'storefront', generation: 3 },
    spec: { parentRefs, rules: [{ backendRefs: backends.map((name) => ({ name, port: 8080 })) }], ...extra },
  };
}

const GAMMA = { group: '', kind: 'Service', name: 'catalog', port: 8080 };
type Parents = Array<{
  parentRef: unknown;
  controllerName: string;
  conditions: Array<{
    type: string;
    status: string;
    reason: string;
    message: string;
    observedGeneration: number;
    lastTransitionTime: string;
  }>;
}>;
const parentsOf = (status: Record<string, unknown>) => status.parents as Parents;
const brief = (status: Record<string, unknown>) =>
  parentsOf(status).map((p) => p.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`));

describe('the demo gateway controller: HTTPRoute status', () => {
  const storefront = [
    service('storefront', 'catalog'),
    service('storefront', 'catalog-v1'),
    service('storefront', 'catalog-v2'),
  ];

  it('accepts a GAMMA route whose parent Service and backends exist, as Istio writes it', () => {
    const status = httpRouteStatus(route(['catalog-v1', 'catalog-v2'], [GAMMA]), world(storefront), T0);
    const [parent] = parentsOf(status);
    expect(parent?.parentRef).toEqual(GAMMA);
    expect(parent?.controllerName).toBe('istio.io/gateway-controller');
    expect(parent?.conditions).toEqual([
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        message: 'Route was valid',
        observedGeneration: 3,
        lastTransitionTime: '2026-12-05T10:00:00Z',
      },
      {
        type: 'ResolvedRefs',
        status: 'True',
        reason: 'ResolvedRefs',
        message: 'All references resolved',
        observedGeneration: 3,
        lastTransitionTime: '2026-12-05T10:00:00Z',
      },
    ]);
  });

  it('says BackendNotFound and names the missing Service, and NoMatchingParent for a missing parent', () => {
    const missingBackend = httpRouteStatus(
      route(['catalog-v1', 'catalog-v3'], [GAMMA]),
      world(storefront),
      T0,
    );
    expect(brief(missingBackend)).toEqual([['Accepted=True/Accepted', 'ResolvedRefs=False/BackendNotFound']]);
    expect(parentsOf(missingBackend)[0]?.conditions[1]?.message).toBe(
      'backend(catalog-v3.storefront.svc.cluster.local) not found',
    );
    const noParent = httpRouteStatus(
      route(['catalog-v1'], [{ ...GAMMA, name: 'nope' }, { name: 'missing-gateway' }]),
      world(storefront),
      T0,
    );
    expect(brief(noParent)).toEqual([
      ['Accepted=False/NoMatchingParent', 'ResolvedRefs=True/ResolvedRefs'],
      ['Accepted=False/NoMatchingParent', 'ResolvedRefs=True/ResolvedRefs'],
    ]);
  });

  it('checks an ingress route against the Gateway listener hostnames', () => {
    const gw = gateway('storefront', 'storefront-gateway', 'istio', 'storefront.example.com');
    const parent = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'storefront-gateway' };
    const ok = httpRouteStatus(
      route(['catalog-v1'], [parent], { hostnames: ['storefront.example.com'] }),
      world(storefront, [gw]),
      T0,
    );
    expect(brief(ok)).toEqual([['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']]);
    const other = httpRouteStatus(
      route(['catalog-v1'], [parent], { hostnames: ['shop.example.com'] }),
      world(storefront, [gw]),
      T0,
    );
    expect(brief(other)).toEqual([
      ['Accepted=False/NoMatchingListenerHostname', 'ResolvedRefs=True/ResolvedRefs'],
    ]);
  });

  it('refuses a backend that is not a Service, or one in another namespace without a ReferenceGrant', () => {
    const r = route([], [GAMMA]);
    (r.spec as { rules: unknown[] }).rules = [
      { backendRefs: [{ group: 'example.com', kind: 'Bucket', name: 'b' }] },
    ];
    expect(brief(httpRouteStatus(r, world(storefront), T0))[0]?.[1]).toBe('ResolvedRefs=False/InvalidKind');
    (r.spec as { rules: unknown[] }).rules = [{ backendRefs: [{ name: 'catalog-v1', namespace: 'shop' }] }];
    expect(brief(httpRouteStatus(r, world(storefront), T0))[0]?.[1]).toBe(
      'ResolvedRefs=False/RefNotPermitted',
    );
  });

  it('resolves a backend in another namespace that a ReferenceGrant there opens to the route', () => {
    const r = route([], [GAMMA]);
    (r.spec as { rules: unknown[] }).rules = [{ backendRefs: [{ name: 'catalog-v1', namespace: 'shop' }] }];
    const grant = (fromNamespace: string): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'from-storefront', namespace: 'shop' },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: fromNamespace }],
        to: [{ group: '', kind: 'Service', name: 'catalog-v1' }],
      },
    });
    const w = (g: KubeObject): StatusWorld => ({
      ...world([...storefront, service('shop', 'catalog-v1')]),
      grants: referenceGrantsOf([g]),
    });
    expect(brief(httpRouteStatus(r, w(grant('storefront')), T0))[0]?.[1]).toBe(
      'ResolvedRefs=True/ResolvedRefs',
    );
    expect(brief(httpRouteStatus(r, w(grant('elsewhere')), T0))[0]?.[1]).toBe(
      'ResolvedRefs=False/RefNotPermitted',
    );
  });

  it('keeps lastTransitionTime while a condition holds, moves it when it flips, and keeps other controllers’ entries', () => {
    const r = route(['catalog-v1'], [GAMMA]);
    const other = { parentRef: GAMMA, controllerName: 'example.net/other', conditions: [] };
    r.status = { parents: [other] };
    const first = httpRouteStatus(r, world(storefront), T0);
    expect(parentsOf(first)[0]).toEqual(other);
    const same = httpRouteStatus({ ...r, status: first }, world(storefront), T1);
    expect(same).toEqual(first);
    const flipped = httpRouteStatus({ ...r, status: first }, world(storefront.slice(0, 1)), T1);
    const ours = parentsOf(flipped).find((p) => p.controllerName === ISTIO_GATEWAY_CONTROLLER);
    expect(ours?.conditions.map((c) => c.lastTransitionTime)).toEqual([
      '2026-12-05T10:00:00Z',
      '2026-12-05T10:01:00Z',
    ]);
  });
});

describe('the demo gateway controller: Gateway status', () => {
  it('accepts and programs an istio Gateway on the ingress gateway Service, with its address and attached routes', () => {
    const gw = gateway('storefront', 'storefront-gateway', 'istio', 'storefront.example.com');
    const w = world([service('istio-system', 'istio-ingressgateway', '10.96.1.2')], [gw]);
    const status = gatewayStatus(gw, w, () => 1, T0) as Record<string, unknown>;
    expect(status.addresses).toEqual([{ type: 'IPAddress', value: '10.96.1.2' }]);
    const conditions = status.conditions as Array<{
      type: string;
      status: string;
      observedGeneration: number;
    }>;
    expect(conditions.map((c) => `${c.type}=${c.status}@${c.observedGeneration}`)).toEqual([
      'Accepted=True@2',
      'Programmed=True@2',
    ]);
    expect((status.listeners as Array<{ name: string; attachedRoutes: number }>)[0]).toMatchObject({
      name: 'http',
      attachedRoutes: 1,
    });
  });

  it('says Programmed False while the serving Service is missing, and leaves other classes alone', () => {
    const wp = gateway('ledger', 'waypoint', 'istio-waypoint');
    const status = gatewayStatus(wp, world([], [wp]), () => 0, T0) as Record<string, unknown>;
    expect(status.addresses).toBeUndefined();
    expect((status.conditions as Array<{ type: string; status: string; reason: string }>)[1]).toMatchObject({
      type: 'Programmed',
      status: 'False',
      reason: 'AddressNotAssigned',
    });
    expect(gatewayStatus(gateway('x', 'y', 'nginx'), world([]), () => 0, T0)).toBeUndefined();
  });
});
