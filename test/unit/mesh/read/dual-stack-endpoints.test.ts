import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { readinessFromSlices } from '../../../../shared/mesh/read/index.ts';

// A dual-stack Service has one EndpointSlice per address family, each listing every pod: a pod is
// one endpoint however many slices name it (and the endpoint controller may repeat one briefly
// across slices of a family while it moves it).
const slice = (name: string, addressType: string, endpoints: unknown[]): KubeObject =>
  ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': 'shop-v2' } },
    addressType,
    endpoints,
  }) as KubeObject;
const ep = (address: string, pod: string, ready: boolean) => ({
  addresses: [address],
  conditions: { ready },
  targetRef: { kind: 'Pod', namespace: 'shop', name: pod, uid: `uid-${pod}` },
});

describe('ready endpoints of a dual-stack Service', () => {
  it('counts each pod once, not once per address family', () => {
    const r = readinessFromSlices([
      slice('shop-v2-ipv4', 'IPv4', [
        ep('10.0.0.1', 'a', true),
        ep('10.0.0.2', 'b', true),
        ep('10.0.0.3', 'c', false),
      ]),
      slice('shop-v2-ipv6', 'IPv6', [
        ep('fd00::1', 'a', true),
        ep('fd00::2', 'b', true),
        ep('fd00::3', 'c', false),
      ]),
    ]);
    expect(r).toEqual({ ready: 2, total: 3, source: 'EndpointSlice' });
  });

  it('still counts endpoints without a targetRef by their address', () => {
    const bare = (address: string) => ({ addresses: [address], conditions: { ready: true } });
    const r = readinessFromSlices([slice('x', 'IPv4', [bare('10.0.0.1'), bare('10.0.0.2')])]);
    expect(r).toEqual({ ready: 2, total: 2, source: 'EndpointSlice' });
  });
});
