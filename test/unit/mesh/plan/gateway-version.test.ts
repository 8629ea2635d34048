import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../../shared/mesh/model/index.ts';
import {
  addBackendAtZero,
  catchAllBackendRefs,
  deploymentOfService,
  planRelease,
  versionService,
  versionServiceName,
  withdrawVersionOps,
} from '../../../../shared/mesh/plan/index.ts';
import {
  readGatewayApiReleases,
  readinessFromPods,
  readinessFromSlices,
} from '../../../../shared/mesh/read/index.ts';

const svc = (name: string, selector: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'storefront', labels: { app: 'search', version: 'v1' }, resourceVersion: '5' },
  spec: {
    selector,
    clusterIP: '10.0.0.7',
    ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP', nodePort: 31000 }],
  },
});
const stable = svc('search-v1', { app: 'search', version: 'v1' });

function route(rules: unknown[]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'search', namespace: 'storefront', resourceVersion: '9' },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: 'search', port: 8080 }], rules },
  };
}
const v2 = svc('search-v2', { app: 'search', version: 'v2' });
const release = (r: KubeObject, extra: KubeObject[] = []) =>
  readGatewayApiReleases([r, stable, ...extra])[0]!;

describe('a new version on Gateway API (pure)', () => {
  it('names the Service after the stable backend, else <service>-<version>', () => {
    expect(versionServiceName('search-v1', 'v1', 'search', 'v2')).toBe('search-v2');
    expect(versionServiceName('search-stable', 'v1', 'search', 'v2')).toBe('search-v2');
    expect(() => versionServiceName('x', 'v1', 'Search_', 'v2')).toThrow(/not a DNS label/);
  });

  it('makes the Service from the stable one: version label swapped, ports kept, nothing server-owned', () => {
    const out = versionService(stable, {
      name: 'search-v2',
      version: 'v2',
      releaseId: 'storefront.search.v2',
    });
    expect(out.spec).toEqual({
      selector: { app: 'search', version: 'v2' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(out.metadata).toMatchObject({
      name: 'search-v2',
      namespace: 'storefront',
      labels: { app: 'search', version: 'v2', 'app.kubernetes.io/managed-by': 'switchyard' },
    });
    expect(out.metadata.resourceVersion).toBeUndefined();
  });

  it('refuses a stable Service without a version label or without ports, saying which', () => {
    expect(() =>
      versionService(svc('search', { app: 'search' }), { name: 'search-v2', version: 'v2', releaseId: 'x' }),
    ).toThrow(/Service storefront\/search selects no version label/);
    const noPorts = { ...stable, spec: { selector: { app: 'search', version: 'v1' } } };
    expect(() => versionService(noPorts, { name: 'search-v2', version: 'v2', releaseId: 'x' })).toThrow(
      /has no ports to copy/,
    );
  });

  it('finds the Deployment whose pods the backend Service selects', () => {
    const dep = (name: string, version: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'storefront' },
      spec: { template: { metadata: { labels: { app: 'search', version } } } },
    });
    expect(deploymentOfService(stable, [dep('search-v2', 'v2'), dep('search-v1', 'v1')])?.metadata.name).toBe(
      'search-v1',
    );
    expect(deploymentOfService(stable, [dep('search-v2', 'v2')])).toBeUndefined();
  });

  it('adds the backendRef at weight 0, after the others; refused twice or without a catch-all', () => {
    const r = route([{ backendRefs: [{ name: 'search-v1', port: 8080, weight: 1 }] }]);
    const rel = release(r, [v2]);
    const plan = planRelease(rel, addBackendAtZero(rel, 'search-v2'), [r, stable, v2]);
    const after = applyJsonPatch(r, plan.steps[0]!.patch);
    const refs = (after.spec as { rules: Array<{ backendRefs: Array<{ name: string; weight: number }> }> })
      .rules[0]!.backendRefs;
    expect(refs.map((x) => x.name)).toEqual(['search-v1', 'search-v2']);
    expect(refs[1]).toEqual({ name: 'search-v2', port: 8080, weight: 0 });
    const read = readGatewayApiReleases([after, stable, v2])[0]!;
    expect(read.defaultRoute?.destinations.map((d) => [d.version, d.weight])).toEqual([
      ['search-v1', 100],
      ['search-v2', 0],
    ]);
    expect(() => addBackendAtZero(read, 'search-v2')).toThrow(/already lists search-v2/);
    const onlyRule = route([
      { matches: [{ headers: [{ name: 'x', value: 'y' }] }], backendRefs: [{ name: 'search-v1' }] },
    ]);
    expect(() => addBackendAtZero(release(onlyRule), 'search-v2')).toThrow(/has no catch-all rule/);
  });

  it('withdraws a version: its rules go, and the catch-all is as before wherever it routes the same', () => {
    const before = [{ name: 'search-v1', port: 8080, weight: 1 }];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (w1, w2, withRule) => {
          const rules: unknown[] = [
            ...(withRule
              ? [
                  {
                    matches: [{ headers: [{ name: 'x-canary', value: 'always' }] }],
                    backendRefs: [{ name: 'search-v2', port: 8080 }],
                  },
                ]
              : []),
            {
              backendRefs: [
                { name: 'search-v1', port: 8080, weight: w1 },
                { name: 'search-v2', port: 8080, weight: w2 },
              ],
            },
          ];
          const r = route(rules);
          const rel = release(r, [v2]);
          const ops = withdrawVersionOps(rel, r, 'search-v2', { stable: 'search-v1', before });
          const after = applyJsonPatch(r, ops);
          // A route that sent nothing anywhere (0:0) still sends nothing: v2's share was none.
          const refs = w1 + w2 > 0 ? before : [{ name: 'search-v1', port: 8080, weight: 0 }];
          expect(after.spec).toEqual(route([{ backendRefs: refs }]).spec);
          expect(ops[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '9' });
        },
      ),
    );
    const untouched = route([{ backendRefs: before }]);
    expect(
      withdrawVersionOps(release(untouched), untouched, 'search-v2', { stable: 'search-v1', before }),
    ).toEqual([]);
    expect(catchAllBackendRefs(release(untouched), untouched)).toEqual(before);
  });

  it('counts ready endpoints from EndpointSlices, or from the pods the selector picks', () => {
    const slice = (conds: Array<Record<string, boolean> | undefined>) =>
      ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 's', namespace: 'storefront' },
        endpoints: conds.map((c) => (c ? { conditions: c } : {})),
      }) as unknown as KubeObject;
    expect(
      readinessFromSlices([slice([{ ready: true }, { ready: false }, undefined, { terminating: true }])]),
    ).toEqual({
      ready: 2,
      total: 4,
      source: 'EndpointSlice',
    });
    const pod = (version: string, ready: boolean, deleting = false): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `p-${version}-${ready}`,
        namespace: 'storefront',
        labels: { app: 'search', version },
        ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    expect(
      readinessFromPods(v2, [pod('v2', true), pod('v2', false), pod('v1', true), pod('v2', true, true)]),
    ).toEqual({ ready: 1, total: 3, source: 'Pod' });
    expect(readinessFromPods(svc('x', {}), [pod('v2', true)])).toEqual({ ready: 0, total: 0, source: 'Pod' });
  });
});
