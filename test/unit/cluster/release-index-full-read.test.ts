import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const meta = (namespace: string, name: string, kind: string) => ({
  name,
  namespace,
  uid: `${kind}-${namespace}-${name}`,
  resourceVersion: '1',
});

/** A service with two versions; `routeNs` puts its VirtualService in another namespace. */
function app(namespace: string, name: string, routeNs = namespace): KubeObject[] {
  const host = routeNs === namespace ? name : `${name}.${namespace}.svc.cluster.local`;
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta(routeNs, name, 'vs'),
      spec: {
        hosts: [host],
        http: [
          {
            route: [
              { destination: { host, subset: 'v1' }, weight: 80 },
              { destination: { host, subset: 'v2' }, weight: 20 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: meta(namespace, name, 'dr'),
      spec: {
        host: name,
        subsets: ['v1', 'v2'].map((v) => ({ name: v, labels: { version: v } })),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(namespace, name, 'svc'),
      spec: { selector: { app: name } },
    },
    ...['v1', 'v2'].map(
      (v): KubeObject => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(namespace, `${name}-${v}`, 'dep'),
        spec: { replicas: 1, template: { metadata: { labels: { app: name, version: v } } } },
      }),
    ),
  ];
}

function mesh(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 0; i < 12; i++) objects.push(...app(i % 2 ? 'shop' : 'web', `svc-${i}`));
  objects.push(...app('shop', 'payments', 'web'));
  // A second VirtualService claiming the host of svc-1: both releases turn read-only.
  const [clash] = app('shop', 'svc-1');
  if (clash)
    objects.push({ ...clash, metadata: { ...clash.metadata, name: 'svc-1-clash', uid: 'vs-clash' } });
  return objects;
}

function releasesWithChunk(objects: KubeObject[], fullReadChunk: number) {
  const clock = createManualClock();
  const reads: number[] = [];
  const index = createReleaseIndex({
    cache: { onChange: () => () => {}, all: () => objects.values() },
    clock,
    read: (o) => {
      reads.push(o.length);
      return readReleases(o);
    },
    fullReadChunk,
  });
  index.flush();
  const releases = index.releases().sort((a, b) => a.id.localeCompare(b.id));
  return { releases, reads, stats: index.stats };
}

describe('release index full read in chunks', () => {
  it('reads the same releases, route by route, as one read of the whole cache', () => {
    const objects = mesh();
    const whole = readReleases(objects);
    const one = releasesWithChunk(objects, 1);
    const some = releasesWithChunk(objects, 5);
    const all = releasesWithChunk(objects, 1000);
    expect(all.reads).toEqual([objects.length]);
    // The index keeps one release per id (the two routes of svc-1 read as the same release id).
    expect(all.releases.map((r) => r.id)).toEqual([...new Set(whole.map((r) => r.id))].sort());
    for (const r of all.releases) expect(whole).toContainEqual(r);
    expect(all.releases.filter((r) => !r.editable).map((r) => r.host)).toEqual([
      'svc-1.shop.svc.cluster.local',
    ]);
    expect(one.releases).toEqual(all.releases);
    expect(some.releases).toEqual(all.releases);
    expect([one.stats.fullReads, some.stats.fullReads, all.stats.fullReads]).toEqual([1, 1, 1]);
  });

  it('gives each read only the inputs of its chunk’s routes', () => {
    const objects = mesh();
    const { reads } = releasesWithChunk(objects, 1);
    expect(reads).toHaveLength(objects.filter((o) => o.kind === 'VirtualService').length);
    expect(Math.max(...reads)).toBeLessThan(objects.length / 4);
  });
});
