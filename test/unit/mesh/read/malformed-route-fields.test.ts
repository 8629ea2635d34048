import { describe, expect, it } from 'vitest';
import { routeHosts } from '../../../../main/core/cluster/release-index-entries.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

// Objects from a file, a draft or a snapshot are not checked by an API server's schema: a field of
// the wrong type must make the route read-only with a reason, never throw out of the reader (which
// failed the whole CLI command, a draft import, or every service list of a snapshot).

const vs = (hosts: unknown): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'r', namespace: 'default' },
  spec: { hosts, http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
});

const httpRoute = (parentRefs: unknown): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'r', namespace: 'default' },
  spec: { parentRefs, rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080 }] }] },
});

describe('route fields of the wrong type', () => {
  it.each([
    ['a number among the hosts', [5]],
    ['a map among the hosts', [{ name: 'reviews' }]],
    ['a string for the list', 'reviews'],
    ['a number for the list', 5],
  ])('VirtualService spec.hosts with %s: read-only, saying so', (_, hosts) => {
    const [release] = readReleases([vs(hosts)]);
    expect(release?.editable).toBe(false);
    expect(release?.readOnlyReasons).toContain(
      'VirtualService default/r: spec.hosts must be a list of host names',
    );
  });

  it('a delegate (no spec.hosts at all) is read-only as a delegate, not as malformed', () => {
    const delegate = vs(undefined);
    delete (delegate.spec as Record<string, unknown>).hosts;
    const [release] = readReleases([delegate]);
    expect(release?.readOnlyReasons.join(' ')).toMatch(/it is a delegate/);
    expect(release?.readOnlyReasons.join(' ')).not.toMatch(/must be a list/);
  });

  it.each([
    ['a number', 5],
    ['a map', { kind: 'Service', name: 'reviews' }],
  ])('HTTPRoute spec.parentRefs as %s: read-only, saying so', (_, parentRefs) => {
    const [release] = readReleases([httpRoute(parentRefs)]);
    expect(release?.editable).toBe(false);
    expect(release?.readOnlyReasons).toContain('HTTPRoute default/r: spec.parentRefs must be a list');
  });

  it('a Service parent without a string name is not taken as the route host', () => {
    const [release] = readReleases([httpRoute([{ kind: 'Service', name: 7 }])]);
    expect(release?.host).toBe('r');
  });

  it("the release index's hosts of a route skip what is not a list or a name, and count mirrors", () => {
    expect([...routeHosts(vs(5))]).toEqual(['reviews.default.svc.cluster.local']);
    const odd: KubeObject = {
      ...vs(['reviews']),
      spec: {
        hosts: ['reviews'],
        http: { not: 'a list' },
        tcp: [{ route: 'x' }, { route: [{ destination: { host: 'db' } }] }],
        tls: 3,
      },
    };
    expect([...routeHosts(odd)]).toEqual([
      'reviews.default.svc.cluster.local',
      'db.default.svc.cluster.local',
    ]);
    const mirrored: KubeObject = {
      ...vs(['reviews']),
      spec: {
        hosts: ['reviews'],
        http: [
          { route: [{ destination: { host: 'reviews' } }], mirrors: [{ destination: { host: 'shadow' } }] },
        ],
      },
    };
    expect(routeHosts(mirrored).has('shadow.default.svc.cluster.local')).toBe(true);
    expect([...routeHosts(httpRoute(5))]).toEqual(['reviews-v1.default.svc.cluster.local']);
    expect([...routeHosts({ ...httpRoute([]), spec: { rules: { a: 1 } } })]).toEqual([]);
  });
});
