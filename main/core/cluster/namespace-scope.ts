import type { WatchedResource } from './cluster-resources.ts';
import { collectionPath } from './cluster-resources.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import { KubeApiError } from './kube-http-client.ts';

// Which namespaces a session's watch cache follows. 'all' is one cluster-wide stream per kind; a
// namespace list is one stream per kind and namespace. A user who may not list cluster-wide (a
// team's RoleBinding in its own namespaces) falls back to the namespaces it may list.

export type WatchScope = { kind: 'all' } | { kind: 'namespaces'; namespaces: string[]; reason?: string };

export interface ScopeRequest {
  client: KubeHttpClient;
  resources: readonly WatchedResource[];
  /** The operator's chosen namespaces; all namespaces when absent or empty. */
  chosen?: readonly string[];
  /** The kubeconfig context's own namespace: the first place a fallback looks. */
  contextNamespace?: string;
  /** How many probe requests run at once (default 8). */
  concurrency?: number;
}

const isForbidden = (err: unknown): err is KubeApiError => err instanceof KubeApiError && err.status === 403;

/** The distinct names in their first order. */
export function distinctNamespaces(names: Iterable<string | undefined>): string[] {
  const out: string[] = [];
  for (const n of names) if (n && !out.includes(n)) out.push(n);
  return out;
}

/** The status line of a session that fell back from all namespaces. */
export function fallbackReason(namespaces: readonly string[]): string {
  return `cluster-wide listing is forbidden; watching namespaces ${namespaces.join(', ')}`;
}

/** The status line of a chosen set of which some namespaces may not be listed. */
export function skippedReason(skipped: ReadonlyMap<string, KubeApiError>): string {
  const names = [...skipped.keys()];
  const first = skipped.values().next().value;
  return `not watching namespaces ${names.join(', ')}: ${first?.message ?? 'forbidden'}`;
}

/** Runs `task` over `items` with at most `limit` running at once; results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (t: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Lists one item of each kind (in one namespace, or cluster-wide): the 403 of the first kind that
 * may not be listed, or undefined. Other failures (a 500, a timeout) are not a verdict on access:
 * the watch retries those on its own, as it always has.
 */
export async function firstForbidden(
  client: KubeHttpClient,
  resources: readonly WatchedResource[],
  namespace?: string,
): Promise<KubeApiError | undefined> {
  // All at once: opening a session costs one more round trip, not one per kind.
  const verdicts = await Promise.all(
    resources.map((r) =>
      client.request({ path: `${collectionPath(r, namespace)}?limit=1` }).then(
        () => undefined,
        (err: unknown) => (isForbidden(err) ? err : undefined),
      ),
    ),
  );
  return verdicts.find((v) => v !== undefined);
}

/**
 * The names from GET /api/v1/namespaces, or none when that fails: it is often forbidden too, and
 * the context's own namespace is still worth trying.
 */
async function listableNamespaces(client: KubeHttpClient): Promise<string[]> {
  try {
    const list = await client.request<{ items?: Array<{ metadata?: { name?: string } }> }>({
      path: '/api/v1/namespaces',
    });
    return (list?.items ?? []).map((n) => n.metadata?.name ?? '').filter(Boolean);
  } catch {
    return [];
  }
}

/** Splits namespaces into those where every kind may be listed and those that answer 403. */
async function checkNamespaces(req: ScopeRequest, namespaces: readonly string[]) {
  const verdicts = await mapLimited(namespaces, req.concurrency ?? 8, (ns) =>
    firstForbidden(req.client, req.resources, ns),
  );
  const usable: string[] = [];
  const skipped = new Map<string, KubeApiError>();
  namespaces.forEach((ns, i) => {
    const denied = verdicts[i];
    if (denied) skipped.set(ns, denied);
    else usable.push(ns);
  });
  return { usable, skipped };
}

/**
 * The scope a session watches. A chosen set keeps the namespaces where every kind may be listed
 * (throwing the 403 when none may). All namespaces stays 'all' unless a cluster-wide list answers
 * 403; then the context's namespace and the listable namespaces are tried, and the usable ones
 * are watched, saying so. When none is usable the cluster-wide 403 is thrown: it names the verb
 * and the resource.
 */
export async function resolveWatchScope(scopeRequest: ScopeRequest): Promise<WatchScope> {
  const req = { ...scopeRequest, resources: scopeRequest.resources.filter((r) => !r.optional) };
  const chosen = distinctNamespaces(req.chosen ?? []);
  if (chosen.length > 0) {
    const { usable, skipped } = await checkNamespaces(req, chosen);
    if (usable.length === 0) throw skipped.values().next().value;
    return skipped.size > 0
      ? { kind: 'namespaces', namespaces: usable, reason: skippedReason(skipped) }
      : { kind: 'namespaces', namespaces: usable };
  }
  const denied = await firstForbidden(req.client, req.resources);
  if (!denied) return { kind: 'all' };
  const candidates = distinctNamespaces([req.contextNamespace, ...(await listableNamespaces(req.client))]);
  const { usable } = await checkNamespaces(req, candidates);
  if (usable.length === 0) throw denied;
  return { kind: 'namespaces', namespaces: usable, reason: fallbackReason(usable) };
}

/**
 * `resources` without the optional kinds this user may not list in `scope` (one list of one item
 * per kind and namespace, all at once).
 */
export async function listableResources(
  client: KubeHttpClient,
  resources: readonly WatchedResource[],
  scope: WatchScope,
): Promise<WatchedResource[]> {
  const optional = resources.filter((r) => r.optional);
  if (optional.length === 0) return [...resources];
  const where = scope.kind === 'all' ? [undefined] : scope.namespaces;
  const denied = await Promise.all(
    optional.map(async (r) => {
      const verdicts = await Promise.all(where.map((ns) => firstForbidden(client, [r], ns)));
      return verdicts.some((v) => v !== undefined) ? r.key : undefined;
    }),
  );
  return resources.filter((r) => !denied.includes(r.key));
}
