// An HTTPRoute in namespace shop whose catch-all splits between checkout-v1 (shop) and
// checkout-v2 in namespace canary: the backendRef a ReferenceGrant in canary must permit.
import type { KubeObject } from '../../shared/mesh/model/index.ts';

export const checkoutService = (ns: string, name: string, version: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, uid: `${ns}-${name}`, resourceVersion: '1' },
  spec: { selector: { app: 'checkout', version }, ports: [{ port: 80 }] },
});

/** The two backends' Services, each in its own namespace. */
export const checkoutServices = (): KubeObject[] => [
  checkoutService('shop', 'checkout-v1', 'v1'),
  checkoutService('canary', 'checkout-v2', 'v2'),
];

/** The route, with checkout-v1 at weight 1 and canary/checkout-v2 at `canaryWeight`. */
export const crossNamespaceRoute = (canaryWeight: number): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'checkout', namespace: 'shop', uid: 'route', resourceVersion: '7' },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'checkout', port: 80 }],
    rules: [
      {
        backendRefs: [
          { name: 'checkout-v1', port: 80, weight: 1 },
          { name: 'checkout-v2', namespace: 'canary', port: 80, weight: canaryWeight },
        ],
      },
    ],
  },
});
