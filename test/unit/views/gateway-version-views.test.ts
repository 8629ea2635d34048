// The versions of an HTTPRoute release as the console shows them: the backend Services' Deployments
// (image), their pods counted the way each Service selects them, and the relative backend weight.

import { describe, expect, it } from 'vitest';
import { createReleaseLinter, releaseView, versionView } from '../../../main/core/views/release-views.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { CATALOG_ROUTE_ID, catalogRoute, storefrontCatalog } from '../../helpers/storefront-objects.ts';

const pod = (name: string, labels: Record<string, string>, ready = true): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'storefront', labels },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

function lookupOf(objects: KubeObject[]) {
  return {
    find: (kind: string, namespace: string, name: string) =>
      objects.find(
        (o) =>
          o.kind === kind && (o.metadata.namespace ?? 'default') === namespace && o.metadata.name === name,
      ),
    pods: (namespace: string) =>
      objects.filter((o) => o.kind === 'Pod' && o.metadata.namespace === namespace),
    routes: () => objects.filter((o) => o.kind === 'VirtualService' || o.kind === 'HTTPRoute'),
  };
}

describe('version views of an HTTPRoute release', () => {
  const objects = [
    ...storefrontCatalog(),
    pod('catalog-v1-a', { app: 'catalog', version: 'v1' }),
    pod('catalog-v1-b', { app: 'catalog', version: 'v1' }, false),
    pod('catalog-v2-a', { app: 'catalog', version: 'v2' }),
    // Another app's v1 in the same namespace: the catalog-v1 Service does not select it.
    pod('web-v1-a', { app: 'web', version: 'v1' }),
  ];

  it('counts pods by the backend Service selector, names the image, and shows the raw weight', () => {
    const release = readReleases(objects).find((r) => r.id === CATALOG_ROUTE_ID)!;
    const views = release.versions.map((v) => versionView(release, v, lookupOf(objects)));
    expect(
      views.map((v) => [v.name, v.image, v.podsReady, v.podsTotal, v.weight, v.rawWeight, v.declared]),
    ).toEqual([
      ['catalog-v1', 'registry.example.com/storefront/catalog:1.4.0', 1, 2, 90, 90, true],
      ['catalog-v2', 'registry.example.com/storefront/catalog:1.5.0', 1, 1, 10, 10, true],
    ]);
  });

  it('shows an omitted backendRef weight as 1', () => {
    const route = catalogRoute();
    const rules = (route.spec as { rules: Array<{ backendRefs: Array<{ weight?: number }> }> }).rules;
    for (const ref of rules[2]!.backendRefs) delete ref.weight;
    const all = [...objects.filter((o) => o.kind !== 'HTTPRoute'), route];
    const release = readReleases(all).find((r) => r.id === CATALOG_ROUTE_ID)!;
    const views = release.versions.map((v) => versionView(release, v, lookupOf(all)));
    expect(views.map((v) => [v.name, v.weight, v.rawWeight])).toEqual([
      ['catalog-v1', 50, 1],
      ['catalog-v2', 50, 1],
    ]);
  });
});

describe('the release view of an HTTPRoute in a mixed or ambient mesh', () => {
  const lint = createReleaseLinter(re2Engine());
  const catalogVs: KubeObject = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'catalog-legacy', namespace: 'storefront' },
    spec: { hosts: ['catalog'], http: [{ route: [{ destination: { host: 'catalog' } }] }] },
  };

  it('shows SY170 when a VirtualService routes the same host, and nothing without it', () => {
    const mixed = [...storefrontCatalog(), catalogVs];
    const release = readReleases(mixed).find((r) => r.id === CATALOG_ROUTE_ID)!;
    const view = releaseView(release, lookupOf(mixed), { contextId: 'c' }, lint);
    expect(view.lint.filter((f) => f.code === 'SY170').map((f) => f.message)).toEqual([
      expect.stringMatching(
        /also VirtualService storefront\/catalog-legacy\): Istio does not support mixing/,
      ),
    ]);
    const plain = storefrontCatalog();
    const alone = readReleases(plain).find((r) => r.id === CATALOG_ROUTE_ID)!;
    expect(
      releaseView(alone, lookupOf(plain), { contextId: 'c' }, lint).lint.map((f) => f.code),
    ).not.toContain('SY170');
  });

  it('shows SY172 when the parent Service uses a waypoint', () => {
    const objects = storefrontCatalog().map((o) =>
      o.kind === 'Service' && o.metadata.name === 'catalog'
        ? { ...o, metadata: { ...o.metadata, labels: { 'istio.io/use-waypoint': 'waypoint' } } }
        : o,
    );
    const release = readReleases(objects).find((r) => r.id === CATALOG_ROUTE_ID)!;
    const view = releaseView(release, lookupOf(objects), { contextId: 'c' }, lint);
    expect(view.lint.map((f) => [f.code, f.severity])).toContainEqual(['SY172', 'info']);
  });
});
