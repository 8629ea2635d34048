import { describe, expect, it } from 'vitest';
import {
  discoverMeshApis,
  locatePrometheus,
  readOnlyReason,
  reviewPermissions,
} from '../../../main/core/cluster/capabilities-probe.ts';
import type { KubeHttpClient, KubeRequest } from '../../../main/core/cluster/kube-http-client.ts';
import { KubeApiError } from '../../../main/core/cluster/kube-http-client.ts';

function fakeClient(answer: (req: KubeRequest) => unknown): KubeHttpClient & { requests: KubeRequest[] } {
  const requests: KubeRequest[] = [];
  return {
    server: 'https://fake',
    requests,
    async request<T>(req: KubeRequest) {
      requests.push(req);
      const a = answer(req);
      if (a instanceof Error) throw a;
      return a as T;
    },
    stream: async () => {},
  };
}

describe('capabilities probe', () => {
  it('reads the served Istio and Gateway API versions from the group list', async () => {
    const client = fakeClient(() => ({
      groups: [
        { name: 'apps', versions: [{ version: 'v1' }] },
        {
          name: 'networking.istio.io',
          versions: [{ version: 'v1' }, { version: 'v1beta1' }, { version: 'v1alpha3' }],
        },
        { name: 'gateway.networking.k8s.io', versions: [{ version: 'v1' }] },
      ],
    }));
    expect(await discoverMeshApis(client)).toEqual({
      istioVersions: ['v1', 'v1beta1', 'v1alpha3'],
      gatewayVersions: ['v1'],
    });
  });

  it('finds Prometheus in istio-system or monitoring, preferring the plain name and the web port', async () => {
    const client = fakeClient((req) => {
      if (req.path.includes('/istio-system/')) return { items: [{ metadata: { name: 'istiod' } }] };
      return {
        items: [
          { metadata: { name: 'prometheus-node-exporter' }, spec: { ports: [{ port: 9100 }] } },
          {
            metadata: { name: 'prometheus' },
            spec: {
              ports: [
                { name: 'reloader', port: 8080 },
                { name: 'web', port: 9090 },
              ],
            },
          },
        ],
      };
    });
    expect(await locatePrometheus(client)).toEqual({
      kind: 'service',
      namespace: 'monitoring',
      name: 'prometheus',
      port: 9090,
      proxyPath: '/api/v1/namespaces/monitoring/services/prometheus:9090/proxy',
    });
  });

  it('uses the URL set for the context without asking the cluster', async () => {
    const client = fakeClient(() => ({}));
    expect(await locatePrometheus(client, 'http://prom.internal:9090')).toEqual({
      kind: 'url',
      url: 'http://prom.internal:9090',
    });
    expect(client.requests).toEqual([]);
  });

  it('says why no Prometheus was found when listing services is forbidden', async () => {
    const client = fakeClient(() => new KubeApiError(403, 'forbidden'));
    const found = await locatePrometheus(client);
    expect(found).toEqual({
      kind: 'none',
      reason:
        'may not list services in istio-system and monitoring; set the Prometheus URL for this context in settings',
    });
  });

  it('checks each verb cluster-wide, then in the context’s namespace, and calls a context without patch read-only', async () => {
    const client = fakeClient((req) => {
      const attrs = (
        req.body as { spec: { resourceAttributes: { verb: string; namespace?: string; resource: string } } }
      ).spec.resourceAttributes;
      const read = ['get', 'list', 'watch'].includes(attrs.verb);
      const nsWrite = attrs.namespace === 'shop' && attrs.resource !== 'destinationrules';
      return { status: { allowed: read || nsWrite } };
    });
    const permissions = await reviewPermissions(client, 'shop');
    expect(permissions['virtualservices.networking.istio.io']).toEqual({
      get: 'all-namespaces',
      list: 'all-namespaces',
      watch: 'all-namespaces',
      patch: 'namespace',
      create: 'namespace',
      delete: 'namespace',
    });
    expect(permissions['destinationrules.networking.istio.io']?.patch).toBe('none');
    expect(readOnlyReason('dev', permissions, { istioVersions: ['v1'], gatewayVersions: [] })).toBe(
      'dev may not patch destinationrules.networking.istio.io in any namespace',
    );
    // On a Gateway-API-only mesh only HTTPRoutes need to be writable.
    expect(readOnlyReason('dev', permissions, { istioVersions: [], gatewayVersions: ['v1'] })).toBeNull();
  });
});
