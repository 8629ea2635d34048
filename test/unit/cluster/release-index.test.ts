import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import type { WatchedKey } from '../../../main/core/cluster/cluster-resources.ts';
import type { ReleaseChanges } from '../../../main/core/cluster/release-index.ts';
import { createReleaseIndex, routeHosts } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange } from '../../../main/core/cluster/watch-cache.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

let rv = 1;
const meta = (name: string, uid: string, labels?: Record<string, string>) => ({
  name,
  namespace: 'shop',
  uid,
  resourceVersion: String(rv++),
  ...(labels ? { labels } : {}),
});

function app(name: string, weights: [number, number]): Record<WatchedKey, KubeObject[]> {
  const deployment = (v: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(`${name}-${v}`, `dep-${name}-${v}`),
    spec: { replicas: 1, template: { metadata: { labels: { app: name, version: v } } } },
  });
  return {
    virtualservices: [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta(name, `vs-${name}`),
        spec: {
          hosts: [name],
          http: [
            {
              route: [
                { destination: { host: name, subset: 'v1' }, weight: weights[0] },
                { destination: { host: name, subset: 'v2' }, weight: weights[1] },
              ],
            },
          ],
        },
      },
    ],
    destinationrules: [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: meta(name, `dr-${name}`),
        spec: {
          host: name,
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        },
      },
    ],
    services: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(name, `svc-${name}`),
        spec: { selector: { app: name } },
      },
    ],
    deployments: [deployment('v1'), deployment('v2')],
    pods: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: meta(`${name}-v1-abc`, `pod-${name}`, { app: name, version: 'v1' }),
      },
    ],
    replicasets: [],
    httproutes: [],
    referencegrants: [],
  };
}

function fakeCache(initial: Array<Record<WatchedKey, KubeObject[]>>) {
  const objects = new Map<string, { resource: WatchedKey; object: KubeObject }>();
  for (const a of initial)
    for (const [resource, list] of Object.entries(a))
      for (const o of list)
        objects.set(o.metadata.uid ?? '', { resource: resource as WatchedKey, object: o });
  let listener: ((c: readonly CacheChange[]) => void) | undefined;
  return {
    cache: {
      onChange(l: (c: readonly CacheChange[]) => void) {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
      *all() {
        for (const e of objects.values()) yield e.object;
      },
    },
    change(uid: string, edit: (o: KubeObject) => KubeObject | null) {
      const entry = objects.get(uid);
      if (!entry) throw new Error(`no ${uid}`);
      const next = edit(structuredClone(entry.object));
      if (next) {
        next.metadata.resourceVersion = String(rv++);
        objects.set(uid, { resource: entry.resource, object: next });
        listener?.([{ resource: entry.resource, type: 'upsert', object: next, previous: entry.object }]);
      } else {
        objects.delete(uid);
        listener?.([
          { resource: entry.resource, type: 'delete', object: entry.object, previous: entry.object },
        ]);
      }
    },
  };
}

function setup() {
  const clock = createManualClock();
  const fake = fakeCache([app('reviews', [90, 10]), app('ratings', [100, 0])]);
  const inputs: string[][] = [];
  const index = createReleaseIndex({
    cache: fake.cache,
    clock,
    read: (objects) => {
      inputs.push(objects.map((o) => `${o.kind}/${o.metadata.name}`));
      return readReleases(objects);
    },
  });
  const changes: ReleaseChanges[] = [];
  index.onChanges((c) => changes.push(c));
  clock.advance(100);
  // The first read announces every release once; the tests look at what follows.
  expect(changes).toHaveLength(1);
  changes.length = 0;
  return { clock, fake, index, inputs, changes };
}

const percents = (
  r: { defaultRoute: { destinations: Array<{ version: string; weight: number }> } | null } | undefined,
) => r?.defaultRoute?.destinations.map((d) => `${d.version}=${d.weight}`);

describe('release index', () => {
  it('reads one release per VirtualService from the cache at start, in one pass', () => {
    const { index, inputs } = setup();
    expect(
      index
        .releases()
        .map((r) => r.host)
        .sort(),
    ).toEqual(['ratings.shop.svc.cluster.local', 'reviews.shop.svc.cluster.local']);
    expect(inputs).toHaveLength(1);
    expect(index.stats.fullReads).toBe(1);
    const reviews = index.releases().find((r) => r.host.startsWith('reviews'));
    expect(percents(reviews)).toEqual(['v1=90', 'v2=10']);
    expect(reviews?.versions.find((v) => v.name === 'v2')?.deployments).toEqual(['reviews-v2']);
  });

  it('recomputes only the release whose VirtualService changed, from that release’s objects alone', () => {
    const { clock, fake, index, inputs, changes } = setup();
    fake.change('vs-reviews', (vs) => {
      const route = (vs.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[0]!.route;
      route[0]!.weight = 50;
      route[1]!.weight = 50;
      return vs;
    });
    clock.advance(100);
    expect(inputs).toHaveLength(2);
    expect(inputs[1]?.sort()).toEqual([
      'Deployment/reviews-v1',
      'Deployment/reviews-v2',
      'DestinationRule/reviews',
      'Service/reviews',
      'VirtualService/reviews',
    ]);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.upserts.map((r) => r.host)).toEqual(['reviews.shop.svc.cluster.local']);
    expect(percents(index.releases().find((r) => r.host.startsWith('reviews')))).toEqual(['v1=50', 'v2=50']);
  });

  it('recomputes the release whose Deployment or DestinationRule changed and leaves the others alone', () => {
    const { clock, fake, index, inputs, changes } = setup();
    fake.change('dep-ratings-v2', () => null);
    clock.advance(100);
    expect(inputs.at(-1)).toContain('VirtualService/ratings');
    expect(inputs.at(-1)).not.toContain('VirtualService/reviews');
    expect(changes.at(-1)?.upserts.map((r) => r.host)).toEqual(['ratings.shop.svc.cluster.local']);
    fake.change('dr-reviews', (dr) => dr);
    clock.advance(100);
    expect(inputs.at(-1)).toContain('VirtualService/reviews');
    expect(index.stats.partialReads).toBe(2);
  });

  it('re-reads the release a changed pod belongs to and, the release being the same, names it as read again only', () => {
    const { clock, fake, index, inputs, changes } = setup();
    fake.change('pod-reviews', (p) => ({ ...p, status: { phase: 'Running' } }));
    clock.advance(100);
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toContain('VirtualService/reviews');
    // Its view shows the pod (ready, restarts) though the release does not hold it: an open view
    // of it is sent again, the list is not.
    const id = index.releases().find((r) => r.host.startsWith('reviews'))?.id;
    expect(changes).toEqual([{ upserts: [], deletes: [], touched: [id] }]);
  });

  it('announces a deleted VirtualService’s release as deleted', () => {
    const { clock, fake, index, changes } = setup();
    const id = index.releases().find((r) => r.host.startsWith('ratings'))?.id;
    expect(index.size).toBe(2);
    fake.change('vs-ratings', () => null);
    clock.advance(100);
    expect(changes.at(-1)).toEqual({ upserts: [], deletes: [id] });
    expect(index.releases()).toHaveLength(1);
    expect(index.size).toBe(1);
  });

  it('keeps following a host shared by two routes once one of them is gone', () => {
    const clock = createManualClock();
    const second: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta('reviews-b', 'vs-reviews-b'),
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
    };
    const extra = {
      ...app('unused', [100, 0]),
      services: [],
      deployments: [],
      pods: [],
      destinationrules: [],
    };
    const fake = fakeCache([app('reviews', [90, 10]), { ...extra, virtualservices: [second] }]);
    const inputs: string[][] = [];
    const index = createReleaseIndex({
      cache: fake.cache,
      clock,
      read: (objects) => {
        inputs.push(objects.map((o) => `${o.kind}/${o.metadata.name}`));
        return readReleases(objects);
      },
    });
    clock.advance(100);
    // Both routes claim the host: each release depends on the other.
    fake.change('dr-reviews', (dr) => dr);
    clock.advance(100);
    expect(inputs.at(-1)).toEqual(
      expect.arrayContaining(['VirtualService/reviews', 'VirtualService/reviews-b']),
    );
    fake.change('vs-reviews-b', () => null);
    clock.advance(100);
    fake.change('dr-reviews', (dr) => dr);
    clock.advance(100);
    expect(inputs.at(-1)).toContain('VirtualService/reviews');
    expect(inputs.at(-1)).not.toContain('VirtualService/reviews-b');
    expect(index.releases().map((r) => r.route.name)).toEqual(['reviews']);
  });

  it('gathers changes into at most one recomputation per interval', () => {
    const { clock, fake, inputs } = setup();
    for (let i = 0; i < 20; i++) fake.change('dep-reviews-v1', (d) => d);
    clock.advance(100);
    expect(inputs).toHaveLength(2);
  });

  it('knows every host a route depends on: its hosts, destinations, mirrors and backendRefs', () => {
    const vs: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'x', namespace: 'a' },
      spec: {
        hosts: ['x'],
        http: [{ route: [{ destination: { host: 'y.b.svc.cluster.local' } }], mirror: { host: 'z' } }],
      },
    };
    expect([...routeHosts(vs)]).toEqual([
      'x.a.svc.cluster.local',
      'y.b.svc.cluster.local',
      'z.a.svc.cluster.local',
    ]);
    const route: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'a' },
      spec: { rules: [{ backendRefs: [{ name: 'web-v1' }, { name: 'web-v2', namespace: 'b' }] }] },
    };
    expect([...routeHosts(route)]).toEqual(['web-v1.a.svc.cluster.local', 'web-v2.b.svc.cluster.local']);
  });
});
