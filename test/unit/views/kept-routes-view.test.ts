// A release view names the routes the console does not edit that still send requests to versions
// (a matched route split across destinations), so the screens that say "takes all traffic" can
// tell when it does not.

import { describe, expect, it } from 'vitest';
import { createReleaseLinter, releaseView } from '../../../main/core/views/release-views.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

const dest = (subset: string, weight: number) => ({ destination: { host: 'reviews', subset }, weight });
const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: ['reviews'],
      http: [
        {
          name: 'beta',
          match: [{ headers: { 'x-beta': { exact: '1' } } }],
          route: [dest('v1', 50), dest('v2', 50)],
        },
        { route: [dest('v1', 100), dest('v2', 0)] },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { host: 'reviews', subsets: ['v1', 'v2'].map((v) => ({ name: v, labels: { version: v } })) },
  },
];
const lookup = {
  find: (kind: string, namespace: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name),
  pods: () => [],
  routes: () => objects.filter((o) => o.kind === 'VirtualService'),
};

describe('the routes a release view says are kept as they are', () => {
  const lint = createReleaseLinter(re2Engine());

  it('names a matched split route and the versions it still sends to', () => {
    const [release] = readReleases(objects);
    const view = releaseView(release!, lookup, { contextId: 'c' }, lint);
    expect(view.keptRoutes).toEqual([{ name: 'beta', pointer: '/spec/http/0', versions: ['v1', 'v2'] }]);
  });

  it('has none when every route is one the console edits', () => {
    const plain = objects.map((o) =>
      o.kind === 'VirtualService'
        ? { ...o, spec: { hosts: ['reviews'], http: [{ route: [dest('v1', 100)] }] } }
        : o,
    );
    const [release] = readReleases(plain);
    expect(releaseView(release!, lookup, { contextId: 'c' }, lint).keptRoutes).toBeUndefined();
  });
});
