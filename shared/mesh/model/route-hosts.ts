// Host and gateway names as Istio resolves them: a short host against the namespace of the object
// naming it, wildcard host patterns, and gateway references (`mesh` or `namespace/name`).

const CLUSTER_SUFFIX = '.svc.cluster.local';

/** Istio resolves a short host against the namespace of the object naming it. */
export function canonicalHost(host: string, namespace: string | undefined): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('*') || h.endsWith(CLUSTER_SUFFIX)) return h;
  const dots = h.split('.').length - 1;
  if (dots === 0) return `${h}.${namespace || 'default'}${CLUSTER_SUFFIX}`;
  if (dots === 1) return `${h}${CLUSTER_SUFFIX}`;
  return h;
}

/** True when a (possibly wildcard) host pattern covers the host; both already canonical. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

export function gatewayKey(name: string, namespace: string | undefined): string {
  if (name === 'mesh' || name.includes('/')) return name;
  return `${namespace || 'default'}/${name}`;
}
