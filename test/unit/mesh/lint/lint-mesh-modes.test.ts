// Mixed and ambient meshes: a host routed by both a VirtualService and an HTTPRoute (SY170), a
// VirtualService in an ambient namespace (SY171), HTTPRoutes a waypoint applies (SY172), and an
// HTTPRoute in an ambient namespace with no waypoint (SY173).

import { describe, expect, it } from 'vitest';
import {
  isAmbientNamespace,
  LINT_CODES,
  lintMeshModes,
  type MeshModeFacts,
  meshMixRefusal,
  waypointOf,
} from '../../../../shared/mesh/lint/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { catalogRoute } from '../../../helpers/storefront-objects.ts';

const vs = (name: string, namespace: string, hosts: string[], gateways?: string[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec: {
    hosts,
    ...(gateways ? { gateways } : {}),
    http: [{ route: [{ destination: { host: hosts[0] } }] }],
  },
});

const meshRoute = (name: string, namespace: string, parent: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: parent, port: 8080 }],
    rules: [{ backendRefs: [{ name: `${parent}-v1`, port: 8080 }] }],
  },
});

const ledgerFacts = (namespaceLabels: Record<string, string> | undefined): MeshModeFacts => ({
  namespaceLabels: (ns) => (ns === 'ledger' ? namespaceLabels : undefined),
  service: () => undefined,
  pods: () => [],
});

describe('lintMeshModes', () => {
  it('SY170: a host routed by a mesh VirtualService (short or full host) and a GAMMA HTTPRoute, on both objects', () => {
    const objects = [catalogRoute(), vs('catalog', 'storefront', ['catalog'])];
    const found = lintMeshModes(objects);
    expect(found.map((f) => [f.code, f.severity, f.object.kind, f.path])).toEqual([
      ['SY170', 'warning', 'HTTPRoute', 'spec.parentRefs'],
      ['SY170', 'warning', 'VirtualService', 'spec.hosts'],
    ]);
    expect(found[0]!.message).toBe(
      'host catalog.storefront.svc.cluster.local is routed by both a VirtualService and an HTTPRoute (also VirtualService storefront/catalog): Istio does not support mixing the two for one service, and which rules the proxies apply is undefined',
    );
    expect(found[1]!.message).toMatch(/also HTTPRoute storefront\/catalog\)/);
    expect(LINT_CODES.SY170.title).toBe('host routed by both a VirtualService and an HTTPRoute');
  });

  it('says nothing of a VirtualService bound only to an ingress gateway, or routing another host', () => {
    const objects = [
      catalogRoute(),
      vs('edge', 'storefront', ['catalog.storefront.svc.cluster.local'], ['storefront/edge']),
      vs('search', 'storefront', ['search']),
    ];
    expect(lintMeshModes(objects)).toEqual([]);
  });

  it('SY171: a VirtualService in an ambient namespace is not applied without a waypoint, and Alpha with one', () => {
    const v = vs('accounts', 'ledger', ['accounts']);
    const without = lintMeshModes([v], ledgerFacts({ 'istio.io/dataplane-mode': 'ambient' }));
    expect(without.map((f) => f.code)).toEqual(['SY171']);
    expect(without[0]!.message).toMatch(
      /use no waypoint: ztunnel forwards at layer 4, so this VirtualService's HTTP routes are not applied/,
    );
    const withWaypoint = lintMeshModes(
      [v],
      ledgerFacts({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' }),
    );
    expect(withWaypoint[0]!.message).toMatch(
      /its waypoint waypoint applies this VirtualService only as an Alpha feature/,
    );
    expect(lintMeshModes([v], ledgerFacts({ 'istio-injection': 'enabled' }))).toEqual([]);
  });

  it('SY172: an HTTPRoute whose parent Service (or its namespace) uses a waypoint is shown as applied there', () => {
    const byNamespace = lintMeshModes(
      [meshRoute('accounts', 'ledger', 'accounts')],
      ledgerFacts({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' }),
    );
    expect(byNamespace.map((f) => [f.code, f.severity])).toEqual([['SY172', 'info']]);
    expect(byNamespace[0]!.message).toMatch(/^applied by waypoint waypoint .*reported by the waypoint$/);
    // A Service's own label wins over the namespace's; 'none' opts the Service out.
    const facts: MeshModeFacts = {
      namespaceLabels: () => ({ 'istio.io/use-waypoint': 'waypoint' }),
      service: (_ns, name) =>
        ({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {
            name,
            labels: { 'istio.io/use-waypoint': name === 'accounts' ? 'accounts-wp' : 'none' },
          },
        }) as KubeObject,
    };
    expect(waypointOf('ledger', 'accounts', facts)).toBe('accounts-wp');
    expect(waypointOf('ledger', 'other', facts)).toBeUndefined();
  });

  it('SY173: an HTTPRoute in an ambient namespace without a waypoint is not applied', () => {
    const found = lintMeshModes(
      [meshRoute('accounts', 'ledger', 'accounts')],
      ledgerFacts({ 'istio.io/dataplane-mode': 'ambient' }),
    );
    expect(found.map((f) => [f.code, f.severity])).toEqual([['SY173', 'warning']]);
  });

  it('knows an ambient namespace by its label, else by pods istio-cni enrolled', () => {
    const pod = (annotations: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ledger', annotations },
    });
    expect(
      isAmbientNamespace('ledger', { pods: () => [pod({ 'ambient.istio.io/redirection': 'enabled' })] }),
    ).toBe(true);
    expect(isAmbientNamespace('ledger', { pods: () => [pod({})] })).toBe(false);
    expect(
      isAmbientNamespace('ledger', {
        namespaceLabels: () => ({ 'istio.io/dataplane-mode': 'none' }),
        pods: () => [pod({ 'ambient.istio.io/redirection': 'enabled' })],
      }),
    ).toBe(false);
  });
});

describe('lintMeshModes for one object', () => {
  it('reports only that object, read against the others', () => {
    const objects = [vs('catalog', 'storefront', ['catalog']), catalogRoute(), vs('x', 'ledger', ['x'])];
    const facts = ledgerFacts({ 'istio.io/dataplane-mode': 'ambient' });
    expect(lintMeshModes(objects, facts).map((f) => [f.code, f.objectIndex])).toEqual([
      ['SY170', 0],
      ['SY170', 1],
      ['SY171', 2],
    ]);
    expect(lintMeshModes(objects, facts, 1).map((f) => [f.code, f.object.name])).toEqual([
      ['SY170', 'catalog'],
    ]);
  });
});

describe('meshMixRefusal', () => {
  it('refuses a VirtualService for a host an HTTPRoute already routes, naming both', () => {
    const refusal = meshMixRefusal(null, vs('catalog', 'storefront', ['catalog']), [catalogRoute()]);
    expect(refusal).toBe(
      'VirtualService storefront/catalog would route host catalog.storefront.svc.cluster.local, which HTTPRoute storefront/catalog already routes: Istio does not support a VirtualService and an HTTPRoute for one service (which rules apply is undefined), so Switchyard does not create the mix; route catalog.storefront.svc.cluster.local with one kind',
    );
  });

  it('refuses an HTTPRoute whose parent Service a mesh VirtualService routes, and a host added to a VirtualService', () => {
    expect(meshMixRefusal(null, catalogRoute(), [vs('legacy', 'storefront', ['catalog'])])).toMatch(
      /^HTTPRoute storefront\/catalog would route host catalog\.storefront\.svc\.cluster\.local, which VirtualService storefront\/legacy/,
    );
    const before = vs('search', 'storefront', ['search']);
    const after = vs('search', 'storefront', ['search', 'catalog']);
    expect(meshMixRefusal(before, after, [catalogRoute()])).toMatch(/would route host catalog\./);
  });

  it('lets through what mixes nothing: other hosts, unchanged hosts, an ingress-only VirtualService', () => {
    expect(meshMixRefusal(null, vs('search', 'storefront', ['search']), [catalogRoute()])).toBeNull();
    const mixedAlready = vs('catalog', 'storefront', ['catalog']);
    expect(meshMixRefusal(mixedAlready, mixedAlready, [catalogRoute()])).toBeNull();
    expect(
      meshMixRefusal(null, vs('edge', 'storefront', ['catalog'], ['storefront/edge']), [catalogRoute()]),
    ).toBeNull();
  });
});
