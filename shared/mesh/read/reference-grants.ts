// Gateway API ReferenceGrants (gateway.networking.k8s.io v1beta1, v1): which backendRefs of an
// HTTPRoute into another namespace are permitted. A ReferenceGrant lives in the namespace of the
// objects it opens up; it lets the kinds and namespaces in `spec.from` reference the kinds in
// `spec.to` (one name, or every object of the kind when `name` is absent). A backendRef to a
// Service in another namespace that no grant permits is invalid: its route's ResolvedRefs
// condition says RefNotPermitted, and requests that would have gone to it get 500.

import type { KubeObject } from '../model/index.ts';
import { GATEWAY_GROUP, groupOf, isPlainObject } from '../model/index.ts';

export const REFERENCE_GRANT_VERSIONS = ['v1beta1', 'v1'];

/** The ReferenceGrants by the namespace they are in (the namespace of the objects they open up). */
export type ReferenceGrants = ReadonlyMap<string, readonly KubeObject[]>;

export function isReferenceGrant(o: KubeObject): boolean {
  return (
    o.kind === 'ReferenceGrant' &&
    groupOf(o.apiVersion) === GATEWAY_GROUP &&
    REFERENCE_GRANT_VERSIONS.includes(o.apiVersion.slice(GATEWAY_GROUP.length + 1))
  );
}

/** The ReferenceGrants among `objects`, by namespace (there are few: one pass, no copies). */
export function referenceGrantsOf(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (o.kind !== 'ReferenceGrant' || !isReferenceGrant(o)) continue;
    const ns = o.metadata.namespace || 'default';
    const list = out.get(ns);
    if (list) list.push(o);
    else out.set(ns, [o]);
  }
  return out;
}

const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/**
 * The grant that lets an HTTPRoute in `routeNamespace` reference Service `name` in `namespace`, or
 * undefined when none does. A reference within the route's own namespace needs none: see
 * backendRefPermitted.
 */
export function grantFor(
  grants: ReferenceGrants,
  routeNamespace: string,
  namespace: string,
  name: string,
): KubeObject | undefined {
  return grants.get(namespace)?.find((g) => {
    const spec = isPlainObject(g.spec) ? g.spec : {};
    const from = list(spec.from).some(
      (f) =>
        isPlainObject(f) &&
        f.group === GATEWAY_GROUP &&
        f.kind === 'HTTPRoute' &&
        f.namespace === routeNamespace,
    );
    return (
      from &&
      list(spec.to).some(
        (t) =>
          isPlainObject(t) &&
          (t.group ?? '') === '' &&
          t.kind === 'Service' &&
          (t.name === undefined || t.name === '' || t.name === name),
      )
    );
  });
}

/** Whether an HTTPRoute in `routeNamespace` may send requests to Service `namespace/name`. */
export function backendRefPermitted(
  grants: ReferenceGrants,
  routeNamespace: string,
  namespace: string,
  name: string,
): boolean {
  return namespace === routeNamespace || grantFor(grants, routeNamespace, namespace, name) !== undefined;
}

/** Why an HTTPRoute in `routeNamespace` may not send requests to Service `namespace/name`. */
export function refNotPermitted(routeNamespace: string, namespace: string, name: string): string {
  return `no ReferenceGrant in namespace ${namespace} permits HTTPRoutes in ${routeNamespace} to reference Service ${name}: requests sent to it get 500`;
}
