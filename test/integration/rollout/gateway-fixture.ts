// The demo's `search` service in `storefront` (issue 15's agreed names), created through the API
// when the demo does not seed it, and the count of failed requests to its backends from the
// mesh's telemetry.

import type { KubeApi } from '../../../main/core/kube-api.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { fetchExposition } from '../apply/mesh-telemetry.ts';

const NS = 'storefront';
const meta = (name: string, labels?: Record<string, string>) => ({
  name,
  namespace: NS,
  ...(labels ? { labels } : {}),
});
const port = [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }];

/** The agreed objects of `search`: Service search (GAMMA parent), search-v1, its Deployment, the HTTPRoute. */
export function storefrontSearchObjects(): KubeObject[] {
  const labels = { app: 'search', version: 'v1' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('search', { app: 'search' }),
      spec: { selector: { app: 'search' }, ports: port },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('search-v1', labels),
      spec: { selector: labels, ports: port },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('search-v1', labels),
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'search', image: 'registry.example.com/storefront/search:2.0.0' }] },
        },
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta('search'),
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: 'search', port: 8080 }],
        rules: [{ backendRefs: [{ name: 'search-v1', port: 8080, weight: 1 }] }],
      },
    },
  ];
}

/** Creates what of `search` the demo does not seed (nothing once the demo seeds storefront). */
export async function ensureStorefrontSearch(api: KubeApi): Promise<void> {
  for (const o of storefrontSearchObjects()) {
    const t = {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      ...(o.kind === 'Namespace' ? {} : { namespace: NS }),
    };
    const found = await api.get(t).then(
      () => true,
      (err: { status?: number }) => (err.status === 404 ? false : Promise.reject(err)),
    );
    if (!found) await api.create(o);
  }
}

function labelsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1] as string] = m[2] as string;
  return out;
}

/**
 * Requests to search's backends (any `search-*` Service of storefront) as their callers report
 * them, and how many failed (5xx).
 */
export async function searchFailures(demo: DemoMesh): Promise<{ total: number; failed: number }> {
  const text = await fetchExposition(demo);
  let total = 0;
  let failed = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('istio_requests_total{')) continue;
    const close = line.lastIndexOf('}');
    const l = labelsOf(line.slice(line.indexOf('{') + 1, close));
    const name = l.destination_service_name ?? '';
    if (l.reporter !== 'source' || l.destination_service_namespace !== NS) continue;
    if (name !== 'search' && !name.startsWith('search-')) continue;
    const value = Number(line.slice(close + 1).trim());
    total += value;
    if (/^5/.test(l.response_code ?? '')) failed += value;
  }
  return { total, failed };
}
