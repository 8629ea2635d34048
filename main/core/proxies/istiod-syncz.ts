// Reads istiod's proxy status (`/debug/syncz` on its monitoring port 15014) through the API
// server's service proxy, with the session's own credentials. Every way it can be hidden becomes a
// reason in words: RBAC on services/proxy, no istiod Service, no ready istiod, the debug endpoints
// switched off or guarded, an answer that is not proxy status.

import { NOT_A_LIST, type ProxySync, parseSynczEntry } from '../../../shared/proxies/proxy-sync.ts';
import { sliceTimer } from '../cluster/event-loop-turn.ts';
import type { KubeHttpClient } from '../cluster/kube-http-client.ts';
import { KubeApiError } from '../cluster/kube-http-client.ts';

export const ISTIO_NAMESPACE = 'istio-system';
export const ISTIOD_PORT = 15014;
const SYNCZ_TIMEOUT_MS = 5000;

export interface IstiodLocation {
  namespace: string;
  name: string;
  /** The Service's pod selector, when it could be read: finds the replicas behind it. */
  selector?: Record<string, string>;
}

export type SynczRead =
  | {
      ok: true;
      proxies: ProxySync[];
      source: string;
      /** When only part of the mesh could be read: which part is missing, and why. */
      partial?: string;
    }
  | { ok: false; reason: string /** Worth asking again soon (a timeout, a 5xx). */; transient: boolean };

function proxyPath(at: IstiodLocation, path: string): string {
  return `/api/v1/namespaces/${at.namespace}/services/${at.name}:${ISTIOD_PORT}/proxy${path}`;
}

function sourceOf(at: IstiodLocation): string {
  return `istiod ${at.namespace}/${at.name}:${ISTIOD_PORT} /debug/syncz`;
}

/** How istiod was reached: its Service's proxy, or one pod's (a replica). */
interface Via {
  source: string;
  /** The proxy in RBAC's words: `the service proxy of istio-system/istiod (get services/proxy in istio-system)`. */
  proxy: string;
}

const serviceVia = (at: IstiodLocation): Via => ({
  source: sourceOf(at),
  proxy: `the service proxy of ${at.namespace}/${at.name} (get services/proxy in ${at.namespace})`,
});

/** The reason in words for an error answer of the service (or pod) proxy or of istiod behind it. */
export function reasonFor(
  err: unknown,
  at: IstiodLocation,
  via: Via = serviceVia(at),
): { reason: string; transient: boolean } {
  const where = via.source;
  if (!(err instanceof KubeApiError))
    return { reason: `${where} did not answer: ${(err as Error).message}`, transient: true };
  const { status, reason, message } = err;
  if (status === 403 && reason === 'Forbidden')
    return {
      reason: `RBAC hides the proxy status: this user may not use ${via.proxy}: ${message}`,
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
  type Service = { metadata?: { name?: string }; spec?: { selector?: Record<string, string> } };
  const located = (svc: Service, name: string): IstiodLocation => ({
    namespace: ISTIO_NAMESPACE,
    name,
    ...(svc.spec?.selector ? { selector: svc.spec.selector } : {}),
  });
  try {
    const svc = await client.request<Service>({
      path: `/api/v1/namespaces/${ISTIO_NAMESPACE}/services/istiod`,
      timeoutMs: SYNCZ_TIMEOUT_MS,
    });
    return located(svc, 'istiod');
  } catch (err) {
    if (!(err instanceof KubeApiError) || err.status !== 404) return standard;
  }
  try {
    const list = await client.request<{ items?: Service[] }>({
      path: `/api/v1/namespaces/${ISTIO_NAMESPACE}/services?labelSelector=${encodeURIComponent('app=istiod')}`,
      timeoutMs: SYNCZ_TIMEOUT_MS,
    });
    const svc = list.items?.find((s) => !!s.metadata?.name);
    return svc?.metadata?.name ? located(svc, svc.metadata.name) : standard;
  } catch {
    return standard;
  }
}

type Pod = {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string }> };
};

/** The ready istiod pods behind the Service; undefined when they cannot be listed (RBAC, no selector). */
async function istiodReplicas(client: KubeHttpClient, at: IstiodLocation): Promise<string[] | undefined> {
  if (!at.selector || Object.keys(at.selector).length === 0) return undefined;
  const selector = Object.entries(at.selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  try {
    const list = await client.request<{ items?: Pod[] }>({
      path: `/api/v1/namespaces/${at.namespace}/pods?labelSelector=${encodeURIComponent(selector)}`,
      timeoutMs: SYNCZ_TIMEOUT_MS,
    });
    return (list.items ?? [])
      .filter(
        (p) =>
          p.status?.phase === 'Running' &&
          !p.metadata?.deletionTimestamp &&
          p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      .map((p) => p.metadata?.name)
      .filter((n): n is string => !!n)
      .sort();
  } catch {
    return undefined;
  }
}

/**
 * parseSyncz (shared/proxies/proxy-sync.ts) in slices of the event loop: the whole mesh's status
 * at 50,000 services is as many entries, ~170 ms in one piece, which held main's event loop when a
 * review opened (it reads the whole ahead of the change).
 */
export async function parseSynczInSlices(
  body: unknown,
  slice = sliceTimer(),
): Promise<{ ok: true; proxies: ProxySync[] } | { ok: false; reason: string }> {
  if (!Array.isArray(body)) return { ok: false, reason: NOT_A_LIST };
  const proxies: ProxySync[] = [];
  for (let i = 0; i < body.length; i++) {
    const p = parseSynczEntry(body[i]);
    if (typeof p === 'string') return { ok: false, reason: p };
    proxies.push(p);
    if ((i & 255) === 255 && slice.due()) await slice.pause();
  }
  return { ok: true, proxies };
}

async function readOne(
  client: KubeHttpClient,
  path: string,
  at: IstiodLocation,
  via: Via,
): Promise<SynczRead> {
  const { source } = via;
  let body: unknown;
  try {
    body = await client.request({ path, timeoutMs: SYNCZ_TIMEOUT_MS });
  } catch (err) {
    return { ok: false, ...reasonFor(err, at, via) };
  }
  const parsed = await parseSynczInSlices(body);
  if (!parsed.ok)
    return {
      ok: false,
      reason: `${source} is not istiod's proxy status: ${parsed.reason}`,
      transient: false,
    };
  return { ok: true, proxies: parsed.proxies, source };
}

/**
 * istiod's /debug/syncz, parsed (of one namespace's proxies with `namespace`); a reason instead
 * when it cannot be had. Each istiod replica knows
 * only the proxies connected to it: with several, every replica is read through its pod's proxy
 * (pods/proxy) and the lists are joined; when that is not allowed, the Service's one replica is
 * read and the source says the others' proxies are not counted.
 */
export async function readSyncz(
  client: KubeHttpClient,
  at: IstiodLocation,
  namespace?: string,
): Promise<SynczRead> {
  // `?namespace=`: only that namespace's proxies (an istiod that ignores it answers them all).
  const syncz = `/debug/syncz${namespace !== undefined ? `?namespace=${encodeURIComponent(namespace)}` : ''}`;
  // The Service's read goes out with the replica list, not after it: with one replica (the usual
  // case) it is the answer, and an apply waits for this baseline before it writes. With several it
  // is the fallback when a replica cannot be read (readOne never throws).
  const service = readOne(client, proxyPath(at, syncz), at, serviceVia(at));
  const replicas = await istiodReplicas(client, at);
  if (!replicas || replicas.length < 2) return service;
  const reads = await Promise.all(
    replicas.map((pod) =>
      readOne(client, `/api/v1/namespaces/${at.namespace}/pods/${pod}:${ISTIOD_PORT}/proxy${syncz}`, at, {
        source: `istiod pod ${at.namespace}/${pod}:${ISTIOD_PORT} /debug/syncz`,
        proxy: `the pod proxy of istiod's replicas (get pods/proxy in ${at.namespace})`,
      }),
    ),
  );
  const failed = reads.find((r) => !r.ok);
  if (!failed) {
    const byId = new Map<string, ProxySync>();
    for (const r of reads) if (r.ok) for (const p of r.proxies) if (!byId.has(p.id)) byId.set(p.id, p);
    const source = `${replicas.length} istiod replicas in ${at.namespace} (${replicas.join(', ')}:${ISTIOD_PORT}) /debug/syncz`;
    return { ok: true, proxies: [...byId.values()], source };
  }
  const one = await service;
  if (!one.ok) return one;
  const why = failed.ok ? '' : `: ${failed.reason}`;
  return {
    ...one,
    partial: `read from one of ${replicas.length} istiod replicas; the proxies connected to the others are not counted (reading each replica failed${why})`,
  };
}
