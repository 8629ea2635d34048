// Host names resolved once per (namespace, host): resolving a host is string work that repeats for
// every route of a large cluster, and one string per name also makes later map lookups cheap.

/** `resolve` memoized by namespace, then host. */
export function hostMemo(resolve: (host: string, namespace: string) => string) {
  const byNamespace = new Map<string, Map<string, string>>();
  return (host: string, namespace: string): string => {
    let hosts = byNamespace.get(namespace);
    if (!hosts) {
      hosts = new Map();
      byNamespace.set(namespace, hosts);
    }
    let resolved = hosts.get(host);
    if (resolved === undefined) {
      resolved = resolve(host, namespace);
      hosts.set(host, resolved);
    }
    return resolved;
  };
}
