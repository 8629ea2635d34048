// The labels of the namespaces a release view shows, for the mixed and ambient mesh lint
// (istio.io/dataplane-mode, istio.io/use-waypoint). Namespaces are not watched, so a view reads its
// namespace once (GET /api/v1/namespaces/<ns>) and keeps the answer for a while, per session
// client; a namespace the session may not read is unknown (the lint then goes by pods and Services).

import type { KubeHttpClient } from '../cluster/kube-http-client.ts';

const KEEP_MS = 30_000;

type Entry = { labels: Record<string, string> | null; at: number };

const bySession = new WeakMap<KubeHttpClient, Map<string, Entry>>();

function entries(client: KubeHttpClient): Map<string, Entry> {
  let map = bySession.get(client);
  if (!map) {
    map = new Map();
    bySession.set(client, map);
  }
  return map;
}

/** Reads a namespace's labels unless read within the last 30 s; never rejects. */
export async function loadNamespaceLabels(
  client: KubeHttpClient | undefined,
  namespace: string,
  now = Date.now(),
): Promise<void> {
  if (!client) return;
  const map = entries(client);
  const known = map.get(namespace);
  if (known && now - known.at < KEEP_MS) return;
  try {
    const ns = await client.request<{ metadata?: { labels?: Record<string, string> } }>({
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`,
    });
    map.set(namespace, { labels: { ...(ns?.metadata?.labels ?? {}) }, at: now });
  } catch {
    map.set(namespace, { labels: null, at: now });
  }
}

/** The labels last read for a namespace; undefined when not read or not readable. */
export function namespaceLabelsOf(
  client: KubeHttpClient | undefined,
): (namespace: string) => Readonly<Record<string, string>> | undefined {
  const map = client ? bySession.get(client) : undefined;
  return (namespace) => map?.get(namespace)?.labels ?? undefined;
}
