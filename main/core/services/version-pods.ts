import type { KubeObject, ReleaseVersion } from '../../../shared/mesh/model/index.ts';

// Which pods run one version of a service. A pod belongs to a version when the version's Service
// selects it (its `spec.selector`) AND it carries the version's own labels (the DestinationRule
// subset's labels; for Gateway API the backend Service's selector, which is already the labels).
// Counting by the version labels alone would take every `version=v1` pod of the namespace
// (details, ratings, productpage…) as reviews v1.

/** What the pod count needs from the watch cache. */
export interface PodLookup {
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
  pods(namespace: string): readonly KubeObject[];
  /** True where every Service of the namespace is in view: one not found there does not exist. */
  watchesServices?(namespace: string): boolean;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  if (!labels) return false;
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** `reviews.bookinfo.svc.cluster.local` → { namespace: bookinfo, name: reviews }; null for other hosts. */
export function serviceRefOfHost(fqdn: string): { namespace: string; name: string } | null {
  const m = /^([^.]+)\.([^.]+)\.svc(\.cluster\.local)?$/.exec(fqdn);
  return m ? { namespace: m[2] as string, name: m[1] as string } : null;
}

/** A pod on its way out (deleted, or finished) no longer serves the version's traffic. */
function isLive(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const phase = isRecord(pod.status) ? pod.status.phase : undefined;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function selectorOf(service: KubeObject): Record<string, string> {
  const spec = isRecord(service.spec) ? service.spec : {};
  const sel = isRecord(spec.selector) ? spec.selector : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sel)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The pods of one version. With the Service of the version's host in the cache: the pods of the
 * Service's namespace that both the Service's selector and the version's labels select. Without it:
 * none where the lookup watches the namespace's Services (the Service does not exist, and the mesh
 * routes the host nowhere); else (a Service not watched) the pods of the release's namespace
 * carrying the version's labels, when the host is in that namespace. Pods being deleted or
 * finished are left out: after a scale to zero the version shows 0/0. null when the cluster cannot
 * say: a host outside the cluster (a ServiceEntry), a Service without a selector (its endpoints are
 * not picked from pods), or an unknown Service of another namespace or with no labels to go by.
 */
export function podsOfVersion(
  v: Pick<ReleaseVersion, 'fqdn' | 'labels'>,
  releaseNamespace: string,
  lookup: PodLookup,
): KubeObject[] | null {
  const ref = serviceRefOfHost(v.fqdn);
  if (!ref) return null;
  const service = lookup.find('Service', ref.namespace, ref.name);
  if (service) {
    const selector = selectorOf(service);
    // Its endpoints are written outside Kubernetes' pod selection (EndpointSlices by hand, another
    // controller): the mesh routes to them, and no pod count here says whether they are ready.
    if (Object.keys(selector).length === 0) return null;
    return lookup
      .pods(ref.namespace)
      .filter(
        (p) => isLive(p) && selects(selector, p.metadata.labels) && selects(v.labels, p.metadata.labels),
      );
  }
  // No such Service: the mesh has no endpoint for the host, whatever pods carry the labels.
  if (lookup.watchesServices?.(ref.namespace)) return [];
  // Another namespace's host out of view: the release namespace's pods are not its pods.
  if (Object.keys(v.labels).length === 0 || ref.namespace !== releaseNamespace) return null;
  return lookup.pods(releaseNamespace).filter((p) => isLive(p) && selects(v.labels, p.metadata.labels));
}

export interface PodCounts {
  ready: number;
  total: number;
  restarts: number;
  /** Creation time of the oldest pod: how long the version has been running. */
  oldestCreatedAt?: string;
}

/** Ready pods (the Ready condition, else every container ready), restarts and the oldest pod's age. */
export function podCounts(pods: readonly KubeObject[]): PodCounts {
  let ready = 0;
  let restarts = 0;
  let oldest: string | undefined;
  for (const p of pods) {
    const status = isRecord(p.status) ? p.status : {};
    const containers = Array.isArray(status.containerStatuses) ? status.containerStatuses : [];
    const conditions = Array.isArray(status.conditions) ? status.conditions : [];
    const readyCondition = conditions.find((c) => isRecord(c) && c.type === 'Ready');
    const isReady = isRecord(readyCondition)
      ? readyCondition.status === 'True'
      : containers.length > 0 && containers.every((c) => isRecord(c) && c.ready === true);
    if (isReady) ready++;
    for (const c of containers)
      if (isRecord(c) && typeof c.restartCount === 'number') restarts += c.restartCount;
    const created = p.metadata.creationTimestamp;
    if (typeof created === 'string' && created !== '' && (oldest === undefined || created < oldest))
      oldest = created;
  }
  return {
    ready,
    total: pods.length,
    restarts,
    ...(oldest !== undefined ? { oldestCreatedAt: oldest } : {}),
  };
}
