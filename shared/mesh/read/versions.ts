// Where versions come from: DestinationRule subsets, route destinations, and (when the caller has
// them) Deployments and Services, plus the host naming rules Istio applies to short names.

import type { HTTPRouteDestination, KubeObject, ReleaseVersion, SourceRef } from '../model/index.ts';
import { hostMemo, isPlainObject, sourceRefOf } from '../model/index.ts';

/** Label keys that name a workload's version, most specific first (Istio's canonical revision wins). */
export const VERSION_LABEL_KEYS = [
  'service.istio.io/canonical-revision',
  'app.kubernetes.io/version',
  'version',
];

/**
 * Istio resolves a host without dots against the namespace of the object naming it
 * (`reviews` in `default` → `reviews.default.svc.cluster.local`); names with dots are taken as written.
 */
export function resolveHost(host: string, namespace: string): string {
  return host.includes('.') || host.includes('*') ? host : `${host}.${namespace}.svc.cluster.local`;
}

/**
 * resolveHost with memory, for one read of many objects. A host is named several times (by the
 * VirtualService, its destinations, its DestinationRule): resolving each (host, namespace) once
 * also hands back one string every time, which map lookups then hash only once.
 */
export class HostResolver {
  private readonly resolved = hostMemo(resolveHost);

  resolve(host: string, namespace: string): string {
    return this.resolved(host, namespace);
  }
}

/** The first DNS label: `reviews.default.svc.cluster.local` → `reviews`. */
export function firstLabel(host: string): string {
  const dot = host.indexOf('.');
  return dot === -1 ? host : host.slice(0, dot);
}

/** A routed destination of the VirtualService, its host resolved once. */
export interface RoutedDestination {
  host: string;
  fqdn: string;
  subset?: string;
}

export function collectDestinations(
  route: readonly HTTPRouteDestination[] | undefined,
  ns: string,
  hosts: HostResolver,
  into: RoutedDestination[],
): void {
  // Not a list (a hand-edited file): no destinations here; `unroutable` says why.
  if (!Array.isArray(route)) return;
  for (const rd of route) {
    const dest = isPlainObject(rd) && isPlainObject(rd.destination) ? rd.destination : undefined;
    if (!dest || typeof dest.host !== 'string') continue;
    const fqdn = hosts.resolve(dest.host, ns);
    into.push(
      typeof dest.subset === 'string'
        ? { host: dest.host, fqdn, subset: dest.subset }
        : { host: dest.host, fqdn },
    );
  }
}

/**
 * How versions are named within one VirtualService: the subset alone when every destination names
 * one host, otherwise prefixed with the host (its first label when that is unambiguous).
 */
export class VersionNaming {
  /** How many hosts share each first label; only needed when there are several hosts. */
  private readonly labelCount: Map<string, number> | undefined;

  constructor(
    readonly fqdns: readonly string[],
    private readonly ns: string,
    private readonly hosts: HostResolver,
  ) {
    if (fqdns.length > 1) {
      const count = new Map<string, number>();
      for (const f of fqdns) count.set(firstLabel(f), (count.get(firstLabel(f)) ?? 0) + 1);
      this.labelCount = count;
    }
  }

  nameFor(fqdn: string, subset: string | undefined): string {
    if (this.fqdns.length <= 1) return subset ?? firstLabel(fqdn);
    const base =
      this.labelCount?.get(firstLabel(fqdn)) === 1
        ? firstLabel(fqdn)
        : fqdn.replace(/\.svc(\.cluster\.local)?$/, '');
    return subset ? `${base}:${subset}` : base;
  }

  /** The version a route destination points at, or null when it names no host. */
  versionOf(rd: unknown): string | null {
    const dest = isPlainObject(rd) && isPlainObject(rd.destination) ? rd.destination : undefined;
    if (!dest || typeof dest.host !== 'string') return null;
    const subset = typeof dest.subset === 'string' ? dest.subset : undefined;
    // With one host and a subset the name is the subset: no need to resolve the host.
    if (this.fqdns.length <= 1 && subset !== undefined) return subset;
    return this.nameFor(this.hosts.resolve(dest.host, this.ns), subset);
  }
}

export function versionLabelOf(
  labels: Record<string, string> | undefined,
): { key: string; value: string } | null {
  if (!labels) return null;
  for (const key of VERSION_LABEL_KEYS) {
    const value = labels[key];
    if (typeof value === 'string' && value !== '') return { key, value };
  }
  return null;
}

function hasLabels(labels: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
  if (!labels) return false;
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

function podLabelsOf(deployment: KubeObject): Record<string, string> | undefined {
  const spec = deployment.spec as
    | { template?: { metadata?: { labels?: Record<string, string> } } }
    | undefined;
  return spec?.template?.metadata?.labels;
}

function selectorOf(service: KubeObject): Record<string, string> | undefined {
  return (service.spec as { selector?: Record<string, string> } | undefined)?.selector;
}

export function isDeployment(o: KubeObject): boolean {
  return o.kind === 'Deployment' && o.apiVersion.startsWith('apps/');
}

export function isService(o: KubeObject): boolean {
  return o.kind === 'Service' && o.apiVersion === 'v1';
}

export interface WorkloadIndex {
  /** Services by `namespace/name`. */
  services: Map<string, KubeObject>;
  /** Deployments by namespace. */
  deployments: Map<string, KubeObject[]>;
}

export function indexWorkloads(objects: readonly KubeObject[]): WorkloadIndex {
  const services = new Map<string, KubeObject>();
  const deployments = new Map<string, KubeObject[]>();
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    const ns = o.metadata.namespace || 'default';
    if (isService(o)) services.set(`${ns}/${o.metadata.name}`, o);
    else if (isDeployment(o)) {
      const list = deployments.get(ns);
      if (list) list.push(o);
      else deployments.set(ns, [o]);
    }
  }
  return { services, deployments };
}

/** The Service behind an in-cluster FQDN (`name.ns.svc.cluster.local`), when the caller supplied it. */
export function serviceForHost(index: WorkloadIndex, fqdn: string): KubeObject | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc(\.cluster\.local)?$/.exec(fqdn);
  return m ? index.services.get(`${m[2]}/${m[1]}`) : undefined;
}

/**
 * Attaches Deployments to the versions of one service host, and adds a version (origin
 * 'deployment', not yet declared as a subset) for each version label the Service's Deployments
 * carry that no subset selects yet. Returns the extra sources used.
 */
export function attachDeployments(
  versions: ReleaseVersion[],
  index: WorkloadIndex,
  fqdn: string,
  host: string,
): SourceRef[] {
  if (index.services.size === 0) return []; // no Services given: skip the host parsing
  const service = serviceForHost(index, fqdn);
  if (!service) return [];
  const ns = service.metadata.namespace || 'default';
  const selector = selectorOf(service) ?? {};
  const used: SourceRef[] = [sourceRefOf(service)];
  for (const d of index.deployments.get(ns) ?? []) {
    const labels = podLabelsOf(d);
    if (!labels || Object.keys(selector).length === 0 || !hasLabels(labels, selector)) continue;
    let matched = false;
    for (const v of versions) {
      if (v.fqdn !== fqdn || Object.keys(v.labels).length === 0 || !hasLabels(labels, v.labels)) continue;
      v.deployments.push(d.metadata.name);
      matched = true;
    }
    const vl = versionLabelOf(labels);
    if (!matched && vl && !versions.some((v) => v.name === vl.value)) {
      versions.push({
        name: vl.value,
        host,
        fqdn,
        labels: { [vl.key]: vl.value },
        origin: 'deployment',
        declared: false,
        source: sourceRefOf(d),
        deployments: [d.metadata.name],
      });
    }
    used.push(sourceRefOf(d));
  }
  return used;
}
