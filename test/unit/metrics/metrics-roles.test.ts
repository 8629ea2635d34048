import { describe, expect, it } from 'vitest';
import { rolesOf } from '../../../main/core/metrics/metrics-subscription.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';

// Which versions the live comparison judges: a version that takes requests through a content rule
// is a canary too, even when the catch-all gives it nothing.

const vs = (http: unknown[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: { hosts: ['reviews'], http },
});
const dr: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: { host: 'reviews', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) },
};
const to = (subset: string, weight?: number) => ({
  destination: { host: 'reviews', subset },
  ...(weight === undefined ? {} : { weight }),
});

describe('rolesOf', () => {
  it('counts a rule target as a canary after the catch-all went to one version', () => {
    const release = readIstioReleases([
      vs([
        { name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [to('v2')] },
        { route: [to('v1', 100), to('v2', 0), to('v3', 0)] },
      ]),
      dr,
    ])[0];
    expect(rolesOf(release)).toEqual({ stable: 'v1', canaries: ['v2'] });
  });

  it('keeps the catch-all order for weighted canaries and has none when one version takes all', () => {
    const split = readIstioReleases([vs([{ route: [to('v1', 80), to('v3', 5), to('v2', 15)] }]), dr])[0];
    expect(rolesOf(split)).toEqual({ stable: 'v1', canaries: ['v2', 'v3'] });
    const all = readIstioReleases([vs([{ route: [to('v1', 100), to('v2', 0)] }]), dr])[0];
    expect(rolesOf(all)).toEqual({ stable: 'v1', canaries: [] });
  });

  it('judges a mirror target as a canary while the split is 100/0 (shadow testing)', () => {
    const mirrored = readIstioReleases([
      vs([
        {
          route: [to('v1', 100), to('v2', 0)],
          mirrors: [{ destination: { host: 'reviews', subset: 'v2' } }],
        },
      ]),
      dr,
    ])[0];
    expect(rolesOf(mirrored)).toEqual({ stable: 'v1', canaries: ['v2'] });
  });
});
