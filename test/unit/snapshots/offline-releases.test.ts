import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readReleasesInSlices } from '../../../main/core/snapshots/offline-releases.ts';
import { isSnapshotKind, stripForSnapshot } from '../../../main/core/snapshots/snapshot-schema.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { clusterObjects } from './snapshot-fixtures.ts';

const byId = (releases: readonly ServiceRelease[]) => [...releases].sort((a, b) => a.id.localeCompare(b.id));

interface AppShape {
  ns: 'web' | 'shop';
  /** The Service also selects `tier` (a selector of two pairs). */
  tier: boolean;
  /** Labels of each Deployment: which app it claims, its tier and version. */
  deployments: Array<{ app: number; tier: boolean; version: 'v1' | 'v2' | 'v3' }>;
  weight: number;
}

/** Services whose selectors overlap, Deployments that match one, several or none of them. */
function meshOf(apps: AppShape[]): KubeObject[] {
  const meta = (namespace: string, name: string, kind: string) => ({
    name,
    namespace,
    uid: `${kind}-${namespace}-${name}`,
    resourceVersion: '1',
  });
  return apps.flatMap((a, i): KubeObject[] => [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta(a.ns, `svc-${i}`, 'vs'),
      spec: {
        hosts: [`svc-${i}`],
        http: [
          {
            route: [
              { destination: { host: `svc-${i}`, subset: 'v1' }, weight: a.weight },
              { destination: { host: `svc-${i}`, subset: 'v2' }, weight: 100 - a.weight },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: meta(a.ns, `svc-${i}`, 'dr'),
      spec: {
        host: `svc-${i}`,
        subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(a.ns, `svc-${i}`, 'svc'),
      spec: { selector: a.tier ? { tier: 'back', app: `app-${i % 3}` } : { app: `app-${i % 3}` } },
    },
    ...a.deployments.map(
      (d, j): KubeObject => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(a.ns, `svc-${i}-${j}`, 'dep'),
        spec: {
          replicas: 1,
          template: {
            metadata: {
              labels: { app: `app-${d.app}`, version: d.version, ...(d.tier ? { tier: 'back' } : {}) },
            },
          },
        },
      }),
    ),
  ]);
}

const appShape: fc.Arbitrary<AppShape> = fc.record({
  ns: fc.constantFrom('web' as const, 'shop' as const),
  tier: fc.boolean(),
  deployments: fc.array(
    fc.record({
      app: fc.integer({ min: 0, max: 2 }),
      tier: fc.boolean(),
      version: fc.constantFrom('v1' as const, 'v2' as const, 'v3' as const),
    }),
    { maxLength: 3 },
  ),
  weight: fc.integer({ min: 0, max: 100 }),
});

describe('releases of a snapshot read in slices', () => {
  it('are the releases one readReleases over every object gives (the fixture cluster)', async () => {
    const objects = clusterObjects()
      .filter((o) => isSnapshotKind(o.kind))
      .map(stripForSnapshot);
    // A budget of 0 ms: a turn of the event loop after every object indexed.
    const sliced = await readReleasesInSlices(objects, readReleases, 0);
    expect(sliced.length).toBeGreaterThan(3);
    expect(byId(sliced)).toEqual(byId(readReleases(objects)));
  });

  it('are the releases one readReleases gives, for any mix of selectors and workloads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(appShape, { minLength: 1, maxLength: 8 }), async (apps) => {
        const objects = meshOf(apps);
        const sliced = await readReleasesInSlices(objects, readReleases, 0);
        expect(byId(sliced)).toEqual(byId(readReleases(objects)));
      }),
      { numRuns: 60 },
    );
  });

  it('gives the event loop turns while it works', async () => {
    const objects = meshOf(
      Array.from({ length: 4 }, () => ({ ns: 'web' as const, tier: false, deployments: [], weight: 50 })),
    );
    let turns = 0;
    let working = true;
    const ticker = (): void => {
      if (!working) return;
      turns++;
      setImmediate(ticker);
    };
    setImmediate(ticker);
    const releases = await readReleasesInSlices(objects, readReleases, 0);
    working = false;
    expect(releases).toHaveLength(4);
    // A turn after each of the 16 objects indexed (the ticker sees most of them), then the reads.
    expect(turns).toBeGreaterThan(8);
  });
});
