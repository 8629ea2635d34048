// Reads istiod's proxy status (`/debug/syncz` on its monitoring port 15014) through the API
// server's service proxy, with the session's own credentials. Every way it can be hidden becomes a
// reason in words: RBAC on services/proxy, no istiod Service, no ready istiod, the debug endpoints
// switched off or guarded, an answer that is not proxy status.

import { type ProxySync, parseSyncz } from '../../../shared/proxies/proxy-sync.ts';
import type { KubeHttpClient } from '../cluster/kube-http-client.ts';
import { KubeApiError } from '../cluster/kube-http-client.ts';

export const ISTIO_NAMESPACE = 'istio-system';
export const ISTIOD_PORT = 15014;
const SYNCZ_TIMEOUT_MS = 5000;

export interface IstiodLocation {
  namespace: string;
  name: string;
}

export type SynczRead =
  | { ok: true; proxies: ProxySync[]; source: string }
  | { ok: false; reason: string /** Worth asking again soon (a timeout, a 5xx). */; transient: boolean };

function proxyPath(at: IstiodLocation, path: string): string {
  return `/api/v1/namespaces/${at.namespace}/services/${at.name}:${ISTIOD_PORT}/proxy${path}`;
}

function sourceOf(at: IstiodLocation): string {
  return `istiod ${at.namespace}/${at.name}:${ISTIOD_PORT} /debug/syncz`;
}

/** The reason in words for an error answer of the service proxy or of istiod behind it. */
export function reasonFor(err: unknown, at: IstiodLocation): { reason: string; transient: boolean } {
  const where = sourceOf(at);
  if (!(err instanceof KubeApiError))
    return { reason: `${where} did not answer: ${(err as Error).message}`, transient: true };
  const { status, reason, message } = err;
  if (status === 403 && reason === 'Forbidden')
    return {
      reason: `RBAC hides the proxy status: this user may not use the service proxy of ${at.namespace}/${at.name} (get services/proxy in ${at.namespace}): ${message}`,
      transient: false,
    };
  if (status === 404 && reason === 'NotFound')
    return { reason: `no istiod Service ${at.namespace}/${at.name} in this cluster`, transient: false };
  if (status === 404)
    return {
      reason: `${where} is not served: the mesh's settings hide istiod's debug endpoints (ENABLE_DEBUG_ON_HTTP=false)`,
      transient: false,
    };
  if (status === 401 || status === 403)
    return {
      reason: `${where} refused the request (${status}): istiod guards its debug endpoints (debug auth) from callers outside the pod`,
      transient: false,
    };
  if (status === 503)
    return { reason: `${where}: istiod has no ready endpoint (${message})`, transient: true };
  return { reason: `${where} answered ${status}: ${message}`, transient: status >= 500 || status === 429 };
}

/** istiod's Service: `istio-system/istiod`, or the first Service there labelled app=istiod (revisions). */
export async function findIstiod(client: KubeHttpClient): Promise<IstiodLocation> {
  const standard = { namespace: ISTIO_NAMESPACE, name: 'istiod' };
  try {
    await client.request({
      path: `/api/v1/namespaces/${ISTIO_NAMESPACE}/services/istiod`,
      timeoutMs: SYNCZ_TIMEOUT_MS,
    });
    return standard;
  } catch (err) {
    if (!(err instanceof KubeApiError) || err.status !== 404) return standard;
  }
  try {
    const list = await client.request<{ items?: Array<{ metadata?: { name?: string } }> }>({
      path: `/api/v1/namespaces/${ISTIO_NAMESPACE}/services?labelSelector=${encodeURIComponent('app=istiod')}`,
      timeoutMs: SYNCZ_TIMEOUT_MS,
    });
    const name = list.items?.map((s) => s.metadata?.name).find((n): n is string => !!n);
    return name ? { namespace: ISTIO_NAMESPACE, name } : standard;
  } catch {
    return standard;
  }
}

/** One read of istiod's /debug/syncz, parsed; a reason instead when it cannot be had. */
export async function readSyncz(client: KubeHttpClient, at: IstiodLocation): Promise<SynczRead> {
  let body: unknown;
  try {
    body = await client.request({ path: proxyPath(at, '/debug/syncz'), timeoutMs: SYNCZ_TIMEOUT_MS });
  } catch (err) {
    return { ok: false, ...reasonFor(err, at) };
  }
  const parsed = parseSyncz(body);
  if (!parsed.ok)
    return {
      ok: false,
      reason: `${sourceOf(at)} is not istiod's proxy status: ${parsed.reason}`,
      transient: false,
    };
  return { ok: true, proxies: parsed.proxies, source: sourceOf(at) };
}
