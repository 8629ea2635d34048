import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

// Istio ORs the entries of a route's match list: a route one of whose entries matches every request
// is a catch-all, and every route after it is unreachable (first match wins).
const dest = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight !== undefined ? { weight } : {}),
});

function vs(http: unknown[]): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { hosts: ['reviews'], http },
  };
}

describe('a match list with one catch-all entry', () => {
  it('is the catch-all route, and the routes after it are unreachable', () => {
    const [r] = readReleases([
      vs([
        {
          match: [{ headers: { 'end-user': { exact: 'jason' } } }, { uri: { prefix: '/' } }],
          route: [dest('v2')],
        },
        { route: [dest('v1', 50), dest('v3', 50)] },
      ]),
    ]);
    expect(r!.defaultRoute?.index).toBe(0);
    expect(r!.defaultRoute?.destinations.map((d) => [d.version, d.weight])).toEqual([['v2', 100]]);
    expect(r!.rules).toEqual([]);
    expect(r!.otherRoutes.map((o) => o.index)).toEqual([1]);
  });

  it('counts `uri: {prefix: /}` with ignoreUriCase as matching every request too', () => {
    const [r] = readReleases([
      vs([
        { match: [{ uri: { prefix: '/' }, ignoreUriCase: true }], route: [dest('v2')] },
        { route: [dest('v1', 50), dest('v3', 50)] },
      ]),
    ]);
    expect(r!.defaultRoute?.index).toBe(0);
    expect(r!.otherRoutes.map((o) => o.index)).toEqual([1]);
  });
});
