import { describe, expect, it } from 'vitest';
import { seedObjects } from '../../../main/demo/seed/seed-objects.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';

function find(objs: KubeObject[], kind: string, ns: string | undefined, name: string): KubeObject {
  const found = objs.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${ns ?? ''}/${name} in the seed`);
  return found;
}

describe('seed objects', () => {
  const objs = seedObjects({ seed: 1, services: 0 });

  it('is deterministic for a seed', () => {
    expect(seedObjects({ seed: 1, services: 250 })).toEqual(seedObjects({ seed: 1, services: 250 }));
  });

  it('holds bookinfo, shop and istio-system with the services and versions of the demo', () => {
    for (const ns of ['istio-system', 'bookinfo', 'shop'])
      expect(find(objs, 'Namespace', undefined, ns)).toBeDefined();
    for (const v of ['v1', 'v2', 'v3']) {
      const d = find(objs, 'Deployment', 'bookinfo', `reviews-${v}`);
      expect(d.metadata.labels).toEqual({ app: 'reviews', version: v });
      const image = (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec
        .containers[0]?.image;
      expect(image).toBe(`docker.io/istio/examples-bookinfo-reviews-${v}:1.20.1`);
    }
    for (const v of ['v1', 'v2']) expect(find(objs, 'Deployment', 'shop', `payment-${v}`)).toBeDefined();
    expect(
      (find(objs, 'Service', 'istio-system', 'prometheus').spec as { ports: Array<{ port: number }> })
        .ports[0]?.port,
    ).toBe(9090);
    expect(
      (find(objs, 'Service', 'istio-system', 'mesh-telemetry').spec as { ports: Array<{ port: number }> })
        .ports[0]?.port,
    ).toBe(15090);
    expect(find(objs, 'Gateway', 'istio-system', 'bookinfo-gateway')).toBeDefined();
  });

  it('writes the reviews VirtualService as operators do: header rule first, weighted default with retries and timeout', () => {
    const http = (
      find(objs, 'VirtualService', 'bookinfo', 'reviews').spec as { http: Array<Record<string, unknown>> }
    ).http;
    expect(http[0]?.match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
    const last = http[http.length - 1] as {
      route: Array<{ weight: number }>;
      retries: unknown;
      timeout: string;
    };
    expect(last.route.map((r) => r.weight)).toEqual([80, 10, 10]);
    expect(last.retries).toBeDefined();
    expect(last.timeout).toBe('10s');
    const pp = find(objs, 'VirtualService', 'bookinfo', 'productpage').spec as { gateways: string[] };
    expect(pp.gateways).toContain('istio-system/bookinfo-gateway');
  });

  it('defines every subset a VirtualService routes to in the DestinationRule of its host', () => {
    for (const vs of objs.filter((o) => o.kind === 'VirtualService')) {
      const http = (
        vs.spec as { http: Array<{ route: Array<{ destination: { host: string; subset?: string } }> }> }
      ).http;
      for (const route of http)
        for (const { destination } of route.route) {
          const dr = find(objs, 'DestinationRule', vs.metadata.namespace, destination.host);
          const subsets = (dr.spec as { subsets: Array<{ name: string }> }).subsets.map((s) => s.name);
          expect(subsets, `${vs.metadata.name} → ${destination.host}/${destination.subset}`).toContain(
            destination.subset,
          );
        }
    }
  });

  it('adds generated services 100 per gen-K namespace, 5000 of them', () => {
    // How fast is a benchmark figure (test/bench/demo-mesh.bench.ts), not asserted here.
    const many = seedObjects({ seed: 2, services: 5000 });
    const namespaces = many.filter((o) => o.kind === 'Namespace' && o.metadata.name.startsWith('gen-'));
    expect(namespaces).toHaveLength(50);
    for (const kind of ['Deployment', 'Service', 'DestinationRule', 'VirtualService']) {
      expect(many.filter((o) => o.kind === kind && o.metadata.namespace?.startsWith('gen-'))).toHaveLength(
        5000,
      );
    }
    expect(
      new Set(
        many.filter((o) => o.kind === 'Service').map((o) => (o.spec as { clusterIP: string }).clusterIP),
      ).size,
    ).toBe(many.filter((o) => o.kind === 'Service').length);
  });

  it('rejects a bad services count with a clear message', () => {
    expect(() => seedObjects({ seed: 1, services: -1 })).toThrow(
      /services must be a non-negative integer, got -1/,
    );
  });
});
