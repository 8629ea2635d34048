// Mixed and ambient meshes: what Istio does when a service is routed by both a VirtualService and an
// HTTPRoute, when a VirtualService sits in an ambient namespace, and which HTTPRoutes a waypoint
// applies. Sources (Istio documentation, ambient/migrate/migrate-policies): "VirtualService support
// with waypoints is Alpha … Mixing VirtualService and HTTPRoute for the same workload is not
// supported and leads to undefined behavior"; in ambient mode L7 routing is done by a waypoint only
// (ztunnel forwards at layer 4), so without a waypoint no HTTP route of either kind is applied.

import type { KubeObject } from '../model/index.ts';
import { canonicalHost, isGatewayHTTPRoute, isPlainObject, isVirtualService } from '../model/index.ts';
import { catchAllTies } from './lint-route-ties.ts';
import type { LintFinding, RawFinding } from './lint-types.ts';
import { LINT_CODES } from './lint-types.ts';

export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** Set by istio-cni on a pod it enrolled in ambient mode. */
export const AMBIENT_REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';

/** What the mesh-mode checks can know beyond the routes; each part may be unknown. */
export interface MeshModeFacts {
  /** A namespace's labels, when the caller can read namespaces. */
  namespaceLabels?(namespace: string): Readonly<Record<string, string>> | undefined;
  /** A Service, for its `istio.io/use-waypoint` label. */
  service?(namespace: string, name: string): KubeObject | undefined;
  /** A namespace's pods: ambient when istio-cni enrolled them (or they carry the dataplane-mode label). */
  pods?(namespace: string): readonly KubeObject[];
}

const nsOf = (o: KubeObject) => o.metadata?.namespace || 'default';

/** Whether a namespace is in ambient mode: its label, else its pods as istio-cni enrolled them. */
export function isAmbientNamespace(namespace: string, facts: MeshModeFacts): boolean {
  const labels = facts.namespaceLabels?.(namespace);
  if (labels?.[DATAPLANE_MODE_LABEL] !== undefined) return labels[DATAPLANE_MODE_LABEL] === 'ambient';
  return (facts.pods?.(namespace) ?? []).some(
    (p) =>
      p.metadata.labels?.[DATAPLANE_MODE_LABEL] === 'ambient' ||
      p.metadata.annotations?.[AMBIENT_REDIRECTION_ANNOTATION] === 'enabled',
  );
}

/** The waypoint a Service's traffic goes through: its own label, else its namespace's; 'none' opts out. */
export function waypointOf(namespace: string, serviceName: string, facts: MeshModeFacts): string | undefined {
  const own = facts.service?.(namespace, serviceName)?.metadata.labels?.[USE_WAYPOINT_LABEL];
  const chosen = own ?? facts.namespaceLabels?.(namespace)?.[USE_WAYPOINT_LABEL];
  return chosen && chosen !== 'none' ? chosen : undefined;
}

/** The Services an HTTPRoute is attached to as its GAMMA parents (mesh routes), as namespace/name. */
export function serviceParentsOf(route: KubeObject): Array<{ namespace: string; name: string }> {
  const spec = isPlainObject(route.spec) ? route.spec : {};
  const refs = Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
  return refs
    .filter((p): p is Record<string, unknown> => isPlainObject(p) && p.kind === 'Service')
    .filter((p) => (p.group ?? '') === '' && typeof p.name === 'string')
    .map((p) => ({
      namespace: typeof p.namespace === 'string' ? p.namespace : nsOf(route),
      name: p.name as string,
    }));
}

/** The hosts a VirtualService routes for sidecars and waypoints (bound to `mesh`), canonical. */
function meshHostsOf(vs: KubeObject): string[] {
  const spec = isPlainObject(vs.spec) ? vs.spec : {};
  const gateways = Array.isArray(spec.gateways) ? spec.gateways : [];
  if (gateways.length > 0 && !gateways.includes('mesh')) return [];
  const hosts = Array.isArray(spec.hosts) ? spec.hosts : [];
  return hosts.filter((h): h is string => typeof h === 'string').map((h) => canonicalHost(h, nsOf(vs)));
}

/** A mesh HTTPRoute's hosts: its parent Services' FQDNs. */
export function meshRouteHostsOf(route: KubeObject): string[] {
  return serviceParentsOf(route).map((p) => `${p.name}.${p.namespace}.svc.cluster.local`);
}

const who = (o: KubeObject) => `${o.kind} ${nsOf(o)}/${o.metadata?.name ?? ''}`;

function mixedHosts(objects: readonly KubeObject[]): Array<{ index: number; raw: RawFinding }> {
  const vsByHost = new Map<string, number[]>();
  const routeByHost = new Map<string, number[]>();
  objects.forEach((o, index) => {
    const add = (map: Map<string, number[]>, host: string) =>
      map.set(host, [...(map.get(host) ?? []), index]);
    if (isVirtualService(o)) for (const h of meshHostsOf(o)) add(vsByHost, h);
    else if (isGatewayHTTPRoute(o)) for (const h of meshRouteHostsOf(o)) add(routeByHost, h);
  });
  const out: Array<{ index: number; raw: RawFinding }> = [];
  for (const [host, routes] of routeByHost) {
    const vss = vsByHost.get(host);
    if (!vss) continue;
    const hint =
      'route one service with one kind: move the VirtualService rules into the HTTPRoute (Istio recommends HTTPRoute) or remove the HTTPRoute';
    const message = (others: number[]) =>
      `host ${host} is routed by both a VirtualService and an HTTPRoute (also ${others.map((i) => who(objects[i]!)).join(', ')}): Istio does not support mixing the two for one service, and which rules the proxies apply is undefined`;
    for (const i of routes)
      out.push({ index: i, raw: { code: 'SY170', path: 'spec.parentRefs', message: message(vss), hint } });
    for (const i of vss)
      out.push({ index: i, raw: { code: 'SY170', path: 'spec.hosts', message: message(routes), hint } });
  }
  return out;
}

function ambientChecks(o: KubeObject, facts: MeshModeFacts): RawFinding[] {
  const ns = nsOf(o);
  if (isVirtualService(o) && isAmbientNamespace(ns, facts)) {
    const hosts = meshHostsOf(o);
    const waypoint = hosts
      .map((h) => /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(h))
      .map((m) => (m ? waypointOf(m[2]!, m[1]!, facts) : undefined))
      .find((w) => w !== undefined);
    return [
      {
        code: 'SY171',
        path: 'spec.hosts',
        message: waypoint
          ? `namespace ${ns} is in ambient mode: its waypoint ${waypoint} applies this VirtualService only as an Alpha feature of Istio, which may work in limited cases`
          : `namespace ${ns} is in ambient mode and its services use no waypoint: ztunnel forwards at layer 4, so this VirtualService's HTTP routes are not applied`,
        hint: 'in ambient mode route with an HTTPRoute whose parent is the Service (one backend Service per version), applied by a waypoint (istio.io/use-waypoint)',
      },
    ];
  }
  if (!isGatewayHTTPRoute(o)) return [];
  const out: RawFinding[] = [];
  for (const parent of serviceParentsOf(o)) {
    const waypoint = waypointOf(parent.namespace, parent.name, facts);
    if (waypoint)
      out.push({
        code: 'SY172',
        path: 'spec.parentRefs',
        message: `applied by waypoint ${waypoint} (istio.io/use-waypoint on Service ${parent.name} or namespace ${parent.namespace}): requests to ${parent.name} are routed there, and its L7 metrics are reported by the waypoint`,
        hint: 'no sidecar applies this route; check the waypoint when requests do not follow it',
      });
    else if (isAmbientNamespace(parent.namespace, facts))
      out.push({
        code: 'SY173',
        path: 'spec.parentRefs',
        message: `Service ${parent.namespace}/${parent.name} is in an ambient namespace without a waypoint: ztunnel forwards at layer 4, so this route's rules and weights are not applied`,
        hint: 'deploy a waypoint and label the namespace or Service istio.io/use-waypoint=<waypoint>',
      });
  }
  return out;
}

/**
 * Mixed and ambient mesh findings (SY170–SY174) over routing objects, in object order. With
 * `onlyIndex`, the findings of that one object (read against all the others).
 */
export function lintMeshModes(
  objects: readonly KubeObject[],
  facts: MeshModeFacts = {},
  onlyIndex?: number,
): LintFinding[] {
  const wanted = (index: number) => onlyIndex === undefined || index === onlyIndex;
  const raw: Array<{ index: number; raw: RawFinding }> = [
    ...mixedHosts(objects),
    ...catchAllTies(objects, meshRouteHostsOf),
  ].filter((r) => wanted(r.index));
  objects.forEach((o, index) => {
    if (!wanted(index)) return;
    for (const r of ambientChecks(o, facts)) raw.push({ index, raw: r });
  });
  return raw
    .sort((a, b) => a.index - b.index)
    .map(({ index, raw: r }) => {
      const o = objects[index]!;
      return {
        code: r.code,
        severity: r.severity ?? LINT_CODES[r.code].severity,
        object: { kind: o.kind, namespace: nsOf(o), name: o.metadata?.name ?? '' },
        objectIndex: index,
        path: r.path,
        message: r.message,
        hint: r.hint,
      };
    });
}

/** The mesh hosts a routing object claims: a mesh VirtualService's hosts, a GAMMA HTTPRoute's parents. */
export function meshHostsClaimedBy(o: KubeObject | null): string[] {
  if (!o) return [];
  if (isVirtualService(o)) return meshHostsOf(o);
  if (isGatewayHTTPRoute(o)) return meshRouteHostsOf(o);
  return [];
}

/**
 * Why a write must be refused because it would mix a VirtualService and an HTTPRoute on one
 * service (created, or given a host it did not route before), or null when it mixes nothing.
 * `existing` holds the cluster's routes of the other kind (others are ignored).
 */
export function meshMixRefusal(
  before: KubeObject | null,
  after: KubeObject,
  existing: readonly KubeObject[],
): string | null {
  const had = new Set(meshHostsClaimedBy(before));
  const added = meshHostsClaimedBy(after).filter((h) => !had.has(h));
  if (added.length === 0) return null;
  const otherKind = isVirtualService(after) ? 'HTTPRoute' : 'VirtualService';
  for (const o of existing) {
    if (o.kind !== otherKind) continue;
    const host = meshHostsClaimedBy(o).find((h) => added.includes(h));
    if (host)
      return `${who(after)} would route host ${host}, which ${who(o)} already routes: Istio does not support a VirtualService and an HTTPRoute for one service (which rules apply is undefined), so Switchyard does not create the mix; route ${host} with one kind`;
  }
  return null;
}
