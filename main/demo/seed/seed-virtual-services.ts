import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { BOOKINFO_NAMESPACE, ISTIO_NAMESPACE, SHOP_NAMESPACE } from './demo-apps.ts';

const API = 'networking.istio.io/v1';

function vs(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: API,
    kind: 'VirtualService',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

/**
 * The VirtualServices as operators write them: short host names, a header rule for a named test
 * user ahead of a weighted default, retries and timeouts on the routes. Every extra field here must
 * survive a weight edit, so they double as a regression fixture for the writers.
 */
export function seededVirtualServices(): KubeObject[] {
  return [
    vs(BOOKINFO_NAMESPACE, 'productpage', {
      hosts: ['bookinfo.example.com', 'productpage'],
      gateways: [`${ISTIO_NAMESPACE}/bookinfo-gateway`, 'mesh'],
      http: [
        {
          name: 'productpage',
          match: [
            { uri: { exact: '/productpage' } },
            { uri: { prefix: '/static' } },
            { uri: { exact: '/login' } },
            { uri: { exact: '/logout' } },
            { uri: { prefix: '/api/v1/products' } },
          ],
          route: [{ destination: { host: 'productpage', subset: 'v1', port: { number: 9080 } } }],
          timeout: '15s',
        },
      ],
    }),
    vs(BOOKINFO_NAMESPACE, 'details', {
      hosts: ['details'],
      http: [
        {
          route: [{ destination: { host: 'details', subset: 'v1' } }],
          timeout: '5s',
          retries: {
            attempts: 2,
            perTryTimeout: '2s',
            retryOn: 'gateway-error,connect-failure,refused-stream',
          },
        },
      ],
    }),
    vs(
      BOOKINFO_NAMESPACE,
      'reviews',
      {
        hosts: ['reviews'],
        http: [
          {
            name: 'jason-on-v2',
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [{ destination: { host: 'reviews', subset: 'v2' } }],
          },
          {
            name: 'canary-header',
            match: [{ headers: { 'x-canary': { exact: 'always' } } }],
            route: [{ destination: { host: 'reviews', subset: 'v3' } }],
          },
          {
            name: 'default',
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
              { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
              { destination: { host: 'reviews', subset: 'v3' }, weight: 10 },
            ],
            timeout: '10s',
            retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
          },
        ],
      },
      { 'switchyard.io/owner': 'team-reviews' },
    ),
    vs(BOOKINFO_NAMESPACE, 'ratings', {
      hosts: ['ratings'],
      http: [{ route: [{ destination: { host: 'ratings', subset: 'v1' } }], timeout: '3s' }],
    }),
    vs(SHOP_NAMESPACE, 'frontend', {
      hosts: ['shop.example.com', 'frontend'],
      gateways: [`${ISTIO_NAMESPACE}/shop-gateway`, 'mesh'],
      http: [
        {
          name: 'frontend',
          route: [{ destination: { host: 'frontend', subset: 'v1', port: { number: 8080 } } }],
        },
      ],
    }),
    vs(SHOP_NAMESPACE, 'cart', {
      hosts: ['cart'],
      http: [{ route: [{ destination: { host: 'cart', subset: 'v1' } }], timeout: '2s' }],
    }),
    vs(SHOP_NAMESPACE, 'checkout', {
      hosts: ['checkout'],
      http: [
        {
          route: [{ destination: { host: 'checkout', subset: 'v1' } }],
          timeout: '8s',
          retries: { attempts: 2, perTryTimeout: '4s', retryOn: 'connect-failure,refused-stream' },
        },
      ],
    }),
    vs(SHOP_NAMESPACE, 'payment', {
      hosts: ['payment'],
      http: [
        {
          name: 'internal-users',
          match: [{ headers: { cookie: { regex: '^(.*?;\\s*)?group=internal(;.*)?$' } } }],
          route: [{ destination: { host: 'payment', subset: 'v2' } }],
        },
        {
          name: 'default',
          route: [
            { destination: { host: 'payment', subset: 'v1' }, weight: 90 },
            { destination: { host: 'payment', subset: 'v2' }, weight: 10 },
          ],
          timeout: '6s',
          retries: { attempts: 2, perTryTimeout: '3s', retryOn: 'connect-failure' },
        },
      ],
    }),
  ];
}
